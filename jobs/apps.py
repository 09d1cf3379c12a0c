from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs import exports  # noqa: F401 - the worker process must know the export job

        register_nav(NavItem("后台任务", "jobs:list", None, 990, "导入、核对等长时间任务的进度"))
