from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_catalogue(sender, using="default", **kwargs):
    """migrate runs the catalogue loader: shipped items appear without a separate step."""
    from django.db import connections

    from areas.jurisdiction import system_scope
    from cases.catalogue import load_service_catalogue

    tables = connections[using].introspection.table_names()
    if "cases_serviceitem" not in tables or "registry_documenttype" not in tables:
        return
    with system_scope():
        load_service_catalogue()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "一门受理"

    def ready(self):
        from datetime import time

        from accounts.roles import Capability
        from cases import home_cards, jobs  # noqa: F401 - registers the daily job function and home cards
        from cases.periodic import check_calendar_daily, supervise_overdue_daily
        from cases.timeline import case_events
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from registry.timeline import register_timeline_provider

        post_migrate.connect(_load_catalogue, sender=self)
        register_timeline_provider(case_events)
        register_nav(
            NavItem("一门受理", "cases:accept", Capability.ACCEPT_APPLICATIONS, 20, "受理申请、一次性告知、打印回执")
        )
        register_nav(NavItem("我的待办", "cases:queue", Capability.HANDLE_STEPS, 21, "待办、超期、退回、转办、已办"))
        register_nav(NavItem("督办看板", "cases:board", Capability.VIEW_DASHBOARD, 22, "按单位和区划查看超期与督办"))
        register_nav(
            NavItem(
                "工作日历",
                "cases:calendar",
                Capability.MANAGE_PERIODIC_WORK,
                991,
                "录入国务院节假日安排，办理期限不再暂定",
            )
        )
        register_periodic(
            Periodic("cases.supervise_overdue", "办件时限与超期督办", Every.DAILY, supervise_overdue_daily, time(1, 0))
        )
        register_periodic(
            Periodic("cases.check_calendar", "工作日历检查", Every.DAILY, check_calendar_daily, time(1, 30))
        )
