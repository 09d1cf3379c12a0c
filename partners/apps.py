from datetime import time

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "部门与上级系统接口"

    def ready(self) -> None:
        from cases.hooks import register_case_replied
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from ledger.hooks import register_enrolment_event
        from partners import events, webhooks
        from partners.capabilities import MANAGE_PARTNERS
        from registry.hooks import register_death_listener

        register_death_listener(events.on_death)
        register_enrolment_event(events.on_enrolment_event)
        register_case_replied(events.on_case_replied)
        register_nav(
            NavItem("接口客户端", "partners:clients", MANAGE_PARTNERS, 960, "部门和上级系统的接口凭证、授权范围")
        )
        register_nav(
            NavItem("事件通知记录", "partners:deliveries", MANAGE_PARTNERS, 961, "推送给部门系统的通知、重试和送达情况")
        )
        register_nav(NavItem("数据交换批次", "partners:batches", MANAGE_PARTNERS, 962, "部门报送和向上报送的批量文件"))
        register_periodic(
            Periodic(
                key="partners.deliver_webhooks",
                label="事件通知补发",
                every=Every.DAILY,
                at=time(6, 50),
                run=webhooks.deliver_due_today,
            )
        )
