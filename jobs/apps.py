from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs import (
            exports,  # noqa: F401 - the worker process must know the export job
            scheduler,  # noqa: F401 - the worker process must know the periodic task
        )
        from jobs.capabilities import MANAGE_PERIODIC_WORK

        register_nav(NavItem("后台任务", "jobs:list", None, 990, "导入、核对等长时间任务的进度"))
        register_nav(
            NavItem(
                "定时任务", "jobs:periodic", MANAGE_PERIODIC_WORK, 992, "每日、每月自动运行的工作：上次、下次运行与结果"
            )
        )

        from datetime import time

        from audit.anchor import verify_and_checkpoint
        from jobs.periodic import Every, Periodic, register_periodic

        register_periodic(
            Periodic(
                key="audit.checkpoint",
                label="校验操作日志并记下库外检查点",
                every=Every.DAILY,
                at=time(1, 30),
                run=verify_and_checkpoint,
            )
        )
