from django.apps import AppConfig


class EldercareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "eldercare"
    verbose_name = "养老服务"

    def ready(self) -> None:
        from datetime import time

        from cases.hooks import register_acceptance_guard, register_line_intake
        from core.navigation import NavItem, register_nav
        from eldercare import capabilities, home_cards, intake, periodic  # noqa: F401 - they register themselves
        from jobs.periodic import Every, Periodic, register_periodic

        register_acceptance_guard(intake.one_intake_guard)
        register_line_intake(intake.HOME_CARE_ITEMS, intake.take_in, intake.intake_page)
        register_periodic(
            Periodic(
                key="eldercare.allowance_bands",
                label="高龄津贴调档（年满本县下一档年龄的次月起）",
                every=Every.MONTHLY,
                day_of_month=25,
                at=time(2, 45),
                run=periodic.adjust_allowance_bands,
            )
        )

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
                "护理补贴",
                "eldercare:care_list",
                capabilities.MANAGE_ELDERCARE,
                18,
                "经济困难失能老年人护理补贴：申请、失能评估、审批发放",
            )
        )
        register_nav(
            NavItem(
                "服务签到", "eldercare:serve", capabilities.RECORD_HOME_CARE, 10, "护理员上门服务签到，老人当面确认"
            )
        )
