from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "操作日志"

    def ready(self) -> None:
        from audit import signals  # noqa: F401  (connects the change recorders)
        from audit.capabilities import VIEW_AUDIT_LOG
        from core.navigation import NavItem, register_nav

        register_nav(NavItem("操作日志", "audit:log", VIEW_AUDIT_LOG, 950, "谁在何时对什么做了什么，防篡改"))
