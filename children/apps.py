from datetime import time

from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "children"
    verbose_name = "儿童福利"

    def ready(self) -> None:
        from children import capabilities as caps
        from children import home_cards, services  # noqa: F401 - home_cards registers the cards
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic

        register_nav(NavItem("儿童关爱", "children:list", caps.VIEW_CHILDREN, 20, "困境儿童、留守儿童档案和定期走访"))
        register_nav(
            NavItem(
                "强制报告",
                "children:reports",
                (caps.FILE_CHILD_REPORT, caps.RECEIVE_CHILD_REPORT),
                21,
                "侵害、遗弃未成年人情况限时报告公安机关和乡镇",
            )
        )
        register_periodic(
            Periodic(
                key="children.close_grown_up",
                label="成年儿童销档（年满成年年龄）",
                every=Every.DAILY,
                at=time(6, 40),
                run=services.close_grown_up,
            )
        )
        register_periodic(
            Periodic(
                key="children.escalate_reports",
                label="强制报告超时升级",
                every=Every.DAILY,
                at=time(6, 50),
                run=services.escalate_today,
            )
        )
