from django.apps import AppConfig


class EldercareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eldercare"
    verbose_name = "养老服务"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from eldercare import capabilities, home_cards  # noqa: F401 - they register themselves

        register_nav(
            NavItem(
                "养老服务",
                "eldercare:index",
                capabilities.MANAGE_ELDERCARE,
                16,
                "养老机构床位、入住，每千名老年人床位数",
            )
        )
        register_nav(
            NavItem(
                "居家养老",
                "eldercare:orders",
                capabilities.MANAGE_ELDERCARE,
                17,
                "政府购买居家养老服务：派单、服务记录、结算",
            )
        )
        register_nav(
            NavItem(
                "服务签到", "eldercare:serve", capabilities.RECORD_HOME_CARE, 10, "护理员上门服务签到，老人当面确认"
            )
        )
