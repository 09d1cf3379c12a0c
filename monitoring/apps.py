from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "低收入人口动态监测"

    def ready(self) -> None:
        from datetime import time

        from accounts.roles import Capability
        from cases.hooks import OverdueWork, register_overdue_work
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from monitoring import home_cards  # noqa: F401 - registers the home card
        from monitoring.periodic import refresh_monitoring_daily
        from monitoring.services import open_outreach_visits, run_after_sweep, supervision_rows
        from verification.hooks import register_after_sweep, register_outreach

        register_nav(
            NavItem(
                "监测预警",
                "monitoring:board",
                (Capability.HANDLE_WARNINGS, Capability.VIEW_DASHBOARD),
                420,
                "低收入人口监测、预警分派、走访闭环",
            )
        )
        register_overdue_work(OverdueWork("overdue_warnings", "超期监测预警", supervision_rows))
        register_outreach(open_outreach_visits)
        register_after_sweep("monitoring", run_after_sweep)
        register_periodic(
            Periodic("monitoring.refresh", "低收入人口动态监测", Every.DAILY, refresh_monitoring_daily, time(3, 30))
        )

        from grid.hooks import register_visit_handler, register_warning_maker
        from monitoring.services import after_field_visit, raise_field_report

        register_visit_handler(after_field_visit)
        register_warning_maker(raise_field_report)
