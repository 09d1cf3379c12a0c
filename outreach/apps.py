from datetime import time

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = "政策找人"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, label_results, register_periodic
        from outreach import capabilities, finders, home_cards, services  # noqa: F401 - they register themselves
        from policy.programmes import Programme

        label_results({str(programme): str(programme.label) for programme in Programme})  # 政策找人's counts

        register_nav(
            NavItem(
                "政策找人",
                "outreach:findings",
                capabilities.FIND_PEOPLE,
                15,
                "符合条件但尚未享受的居民：走访、代办申请",
            )
        )
        register_periodic(
            Periodic(
                key="outreach.find_eligible",
                label="政策找人（符合条件未享受）",
                every=Every.DAILY,
                at=time(3, 30),
                run=services.find_today,
            )
        )
