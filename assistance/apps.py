from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "社会救助"

    def ready(self):
        from accounts.roles import Capability
        from assistance import guards, reviews
        from cases.hooks import register_approval_guard
        from core.navigation import NavItem, register_nav
        from ledger.hooks import register_reviews_opened

        register_approval_guard(guards.approval_guard)
        register_reviews_opened(reviews.keep_review_records)
        register_nav(
            NavItem(
                "社会救助",
                "assistance:applications",
                Capability.ACCEPT_APPLICATIONS,
                30,
                "低保、特困、临时救助等申请办理",
            )
        )
        register_nav(NavItem("保障对象", "assistance:recipients", None, 31, "按项目查看在保对象，导出台账"))
        register_nav(NavItem("近亲属备案", "assistance:close_relatives", None, 33, "工作人员近亲属关系登记与查询"))
