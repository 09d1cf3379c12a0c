from datetime import time

from django.apps import AppConfig


class MarriageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "marriage"
    verbose_name = "婚姻登记"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from marriage import capabilities, home_cards, register_hooks, services  # noqa: F401 - they register

        register_nav(
            NavItem(
                "婚姻登记", "marriage:index", capabilities.MANAGE_MARRIAGES, 40, "结婚、离婚、补领、撤销与婚姻登记簿"
            )
        )
        register_nav(
            NavItem(
                "婚姻状况查询",
                "marriage:queries",
                capabilities.QUERY_MARITAL_STATUS,
                41,
                "有权机关查询当事人是否已婚，每次查询留痕",
            )
        )
        register_periodic(
            Periodic(
                key="marriage.close_lapsed_divorces",
                label="离婚申请逾期未到场视为撤回",
                every=Every.DAILY,
                at=time(0, 30),
                run=services.close_lapsed_divorces,
            )
        )
