from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "社会救助"

    def ready(self):
        from datetime import time

        from accounts.roles import Capability
        from assistance import guards, home_cards, intake, reviews  # noqa: F401 - home_cards registers the card
        from assistance.periodic import end_notices_daily
        from cases.hooks import register_acceptance_guard, register_approval_guard, register_line_intake
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from ledger.hooks import register_reviews_opened

        # Who works on or oversees assistance cases (not the registrar or the grid worker).
        CASEWORK_AND_OVERSIGHT = (
            Capability.HANDLE_WARNINGS,
            Capability.REVIEW,
            Capability.APPROVE,
            Capability.VIEW_AUDIT_LOG,
            Capability.VIEW_DASHBOARD,
        )
        register_approval_guard(guards.approval_guard)
        register_acceptance_guard(intake.one_intake_guard)
        register_line_intake(intake.TAKEN_IN_HERE, intake.take_in, intake.intake_page)
        register_reviews_opened(reviews.keep_review_records)
        register_periodic(
            Periodic("assistance.end_notices", "公示期满撤下", Every.DAILY, end_notices_daily, time(0, 30))
        )
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
