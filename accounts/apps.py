from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "单位与人员"

    def ready(self) -> None:
        from accounts.roles import Capability
        from core.navigation import NavItem, register_nav

        register_nav(
            NavItem("工作人员", "accounts:staff_list", Capability.VIEW_STAFF, 900, "辖区内单位人员名单，可导出Excel")
        )
