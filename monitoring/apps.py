from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "低收入人口动态监测"

    def ready(self) -> None:
        from cases.hooks import OverdueWork, register_overdue_work
        from core.navigation import NavItem, register_nav
        from monitoring.services import open_outreach_visit, run_after_sweep, supervision_rows
        from verification.hooks import register_after_sweep, register_outreach

        register_nav(NavItem("监测预警", "monitoring:board", None, 420, "低收入人口监测、预警分派、走访闭环"))
        register_overdue_work(OverdueWork("overdue_warnings", "超期监测预警", supervision_rows))
        register_outreach(open_outreach_visit)
        register_after_sweep("monitoring", run_after_sweep)

        from grid.hooks import register_visit_handler, register_warning_maker
        from monitoring.services import after_field_visit, raise_field_report

        register_visit_handler(after_field_visit)
        register_warning_maker(raise_field_report)
