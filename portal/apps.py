from datetime import time

from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "群众网上办事"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from portal import capabilities, home_cards, services  # noqa: F401 - registers capabilities and cards

        register_nav(
            NavItem("网上办事", "portal:desk", capabilities.RESIDENT_DESK, 40, "群众网上申请、身份确认、投诉和预约")
        )
        register_nav(
            NavItem(
                "上门与错时服务",
                "portal:bookings_staff",
                capabilities.SERVE_BOOKINGS,
                41,
                "群众预约的上门服务和错时服务",
            )
        )
        register_periodic(
            Periodic(
                key="portal.supervise_complaints",
                label="群众投诉超期督办",
                every=Every.DAILY,
                at=time(7, 20),
                run=services.supervise_overdue_complaints,
            )
        )
