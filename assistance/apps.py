from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "社会救助"

    def ready(self):
        from accounts.roles import Capability
        from assistance import guards, home_cards, reviews  # noqa: F401 - home_cards registers the card
        from cases.hooks import register_approval_guard
        from core.navigation import NavItem, register_nav
        from ledger.hooks import register_review_opened

        # Who works on or oversees assistance cases (not the registrar or the grid worker).
        CASEWORK_AND_OVERSIGHT = (
            Capability.HANDLE_WARNINGS,
            Capability.REVIEW,
            Capability.APPROVE,
            Capability.VIEW_AUDIT_LOG,
            Capability.VIEW_DASHBOARD,
        )
        register_approval_guard(guards.approval_guard)
        register_review_opened(reviews.keep_review_record)
        register_nav(
            NavItem(
                "社会救助",
                "assistance:applications",
                (Capability.ACCEPT_APPLICATIONS, Capability.REVIEW, Capability.APPROVE),
                30,
                "低保、特困、临时救助等申请办理",
            )
        )
        register_nav(
            NavItem("保障对象", "assistance:recipients", CASEWORK_AND_OVERSIGHT, 31, "按项目查看在保对象，导出台账")
        )
        register_nav(
            NavItem(
                "近亲属备案", "assistance:close_relatives", CASEWORK_AND_OVERSIGHT, 33, "工作人员近亲属关系登记与查询"
            )
        )
