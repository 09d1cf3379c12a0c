from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "低收入人口动态监测"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav

        register_nav(NavItem("监测预警", "monitoring:board", None, 420, "低收入人口监测、预警分派、走访闭环"))
