from django.apps import AppConfig


class ReliefConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "relief"
    verbose_name = "救灾和专项行动"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from relief import capabilities as c
        from relief import home_cards  # noqa: F401 - registers the cards

        register_nav(
            NavItem("灾情报送", "relief:events", c.VIEW_RELIEF, 20, "灾害事件、各村报灾、乡镇核查上报和县级汇总")
        )
        register_nav(NavItem("救灾物资", "relief:stock", c.MANAGE_STOCK, 21, "物资入库、凭签收发放和物资台账"))
        register_nav(
            NavItem(
                "专项行动",
                "relief:campaigns",
                (c.MANAGE_CAMPAIGNS, c.DELIVER),
                22,
                "寒冬送温暖、节日慰问、送钱送粮到家",
            )
        )
