from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "信息核对与比对"

    def ready(self) -> None:
        from accounts.roles import Capability
        from core.navigation import NavItem, register_nav
        from verification import home_cards, jobs  # noqa: F401 - registers the job functions and home card

        register_nav(
            NavItem(
                "部门数据",
                "verification:batch_list",
                Capability.MANAGE_DEPARTMENT_DATA,
                400,
                "部门数据批次上传、校验、入库",
            )
        )
        register_nav(
            NavItem(
                "比对发现",
                "verification:finding_list",
                (Capability.HANDLE_WARNINGS, Capability.MANAGE_DEPARTMENT_DATA, Capability.VIEW_DASHBOARD),
                410,
                "死亡、车辆、重复救助、遗漏救助等比对发现",
            )
        )
