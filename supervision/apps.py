from datetime import time

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "稽查与考核"

    def ready(self) -> None:
        from accounts.roles import Capability
        from cases.hooks import OverdueWork, register_approval_guard, register_overdue_work
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from payments.hooks import register_roll_approval_guard
        from supervision import aggregates, opinions, rectifications

        register_nav(
            NavItem("稽查工作台", "supervision:desk", Capability.INSPECT, 850, "抽查、发现问题、整改销号、责任追究")
        )
        register_nav(NavItem("整改任务", "supervision:rectifications", Capability.RECTIFY, 860, "本单位的稽查问题整改"))
        register_nav(
            NavItem(
                "月度考核", "supervision:evaluations", Capability.MANAGE_EVALUATION, 870, "考核指标、月度排名与讲评"
            )
        )
        register_nav(
            NavItem(
                "我的考核",
                "supervision:my_evaluation",
                Capability.VIEW_OWN_EVALUATION,
                880,
                "本单位及本人的月度考核与讲评",
            )
        )
        register_approval_guard(opinions.approval_guard)
        register_roll_approval_guard(opinions.roll_approval_guard)
        register_overdue_work(
            OverdueWork(key="supervision.rectification", label="稽查整改超期", rows=rectifications.overdue_rows)
        )
        register_periodic(
            Periodic(
                key="supervision.escalate_rectifications",
                label="稽查整改超期督办",
                every=Every.DAILY,
                at=time(2, 40),
                run=rectifications.escalate_overdue,
            )
        )
        register_periodic(
            Periodic(
                key="supervision.refresh_step_days",
                label="刷新考核环节日汇总（近两个月）",
                every=Every.DAILY,
                at=time(1, 30),
                run=aggregates.refresh_nightly,
            )
        )
        register_periodic(
            Periodic(
                key="supervision.rebuild_step_days",
                label="重建考核环节日汇总（全部）",
                every=Every.MONTHLY,
                at=time(1, 0),
                day_of_month=1,
                run=aggregates.rebuild_monthly,
            )
        )
