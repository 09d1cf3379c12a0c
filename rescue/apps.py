from datetime import time

from django.apps import AppConfig


class RescueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rescue"
    verbose_name = "流浪乞讨人员救助"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from registry.hooks import register_identified_listener
        from registry.timeline import register_timeline_provider
        from rescue import capabilities, home_cards, services, timeline  # noqa: F401 - home_cards registers the card

        register_identified_listener(services.identified)
        register_timeline_provider(timeline.stays_of)
        register_nav(
            NavItem("救助管理", "rescue:stays", capabilities.RESCUE_WORK, 62, "入站登记、救助期限、寻亲、返乡和安置")
        )
        register_nav(
            NavItem(
                "身份不明人员", "rescue:unidentified", capabilities.RESCUE_WORK, 63, "照片、体貌特征，确认身份后并档"
            )
        )
        register_nav(
            NavItem(
                "救助统计", "rescue:statistics", capabilities.VIEW_RESCUE_STATISTICS, 64, "按月入站、离站和在站天数"
            )
        )
        register_periodic(
            Periodic(
                key="rescue.warn_overdue",
                label="救助期限超期预警",
                every=Every.DAILY,
                at=time(7, 20),
                run=services.warn_overdue,
            )
        )
