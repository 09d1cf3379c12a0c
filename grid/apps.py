from datetime import time

from django.apps import AppConfig


class GridConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grid"
    verbose_name = "网格化服务"

    def ready(self) -> None:
        from accounts.roles import Capability
        from core.navigation import NavItem, register_nav
        from grid import home_cards, hotline, services  # noqa: F401 - home_cards registers the cards
        from jobs.periodic import Every, Periodic, register_periodic

        register_nav(
            NavItem("上报事件", "grid:report", Capability.REPORT_GRID_EVENTS, 10, "现场上报问题，没有信号也能填写")
        )
        register_nav(NavItem("网格事件", "grid:events", Capability.HANDLE_GRID_EVENTS, 11, "分拨流转、办理期限和督办"))
        register_nav(
            NavItem("入户走访", "grid:visits", Capability.VISIT_HOUSEHOLDS, 12, "我的包户、到期走访和走访记录")
        )
        register_nav(
            NavItem("12345工单", "grid:hotline", Capability.HANDLE_GRID_EVENTS, 13, "热线工单接收、答复和导入")
        )
        register_nav(NavItem("包户联系人", "grid:contacts", Capability.ASSIGN_WARNINGS, 14, "分片包村：每户的联系人"))
        register_periodic(
            Periodic(
                key="grid.supervise_overdue",
                label="网格事件超期督办",
                every=Every.DAILY,
                at=time(7, 0),
                run=services.supervise_today,
            )
        )
        register_periodic(
            Periodic(
                key="grid.deliver_answers",
                label="12345答复重发",
                every=Every.DAILY,
                at=time(7, 10),
                run=hotline.deliver_due_today,
            )
        )
