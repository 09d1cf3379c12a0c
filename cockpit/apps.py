from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = "数据驾驶舱"

    def ready(self) -> None:
        from datetime import time

        from accounts.home import Landing, register_landing
        from accounts.roles import Capability
        from cockpit import home_cards  # noqa: F401 - registers the auditor's card
        from cockpit.figures import refresh_figures_periodic
        from cockpit.views import leader_home
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic

        register_nav(
            NavItem("数据驾驶舱", "cockpit:index", Capability.VIEW_DASHBOARD, 5, "全县办件、资金、预警一屏总览")
        )
        register_nav(
            NavItem(
                "民政统计月报",
                "cockpit:monthly",
                Capability.VIEW_DASHBOARD,
                7,
                "各项目保障人数、人均补助水平、本年累计发放",
            )
        )
        register_nav(
            NavItem(
                "变动情况表", "cockpit:changes", Capability.VIEW_DASHBOARD, 6, "民政统计：当月新增、停保、增发、减发"
            )
        )
        register_landing(Landing("cockpit", Capability.VIEW_DASHBOARD, 10, leader_home))
        register_periodic(
            Periodic(
                key="cockpit.refresh_figures",
                label="刷新驾驶舱汇总数",
                every=Every.DAILY,
                at=time(5, 0),
                run=refresh_figures_periodic,
            )
        )
