from django.apps import AppConfig


class SocietyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "society"
    verbose_name = "社会组织与村务公开"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from registry.timeline import register_timeline_provider
        from society import capabilities as caps
        from society import home_cards, timeline  # noqa: F401 - cards register themselves

        register_nav(
            NavItem("社会组织", "society:organisations", caps.MANAGE_ORGANISATIONS, 60, "登记、变更、年报、评估、注销")
        )
        register_nav(
            NavItem("三张清单", "society:needs", caps.MANAGE_NEEDS, 61, "需求、资源、项目：匹配、转介、帮扶、确认")
        )
        register_nav(NavItem("转介帮扶", "society:referrals", caps.SERVE_REFERRALS, 62, "本机构收到的转介和帮扶情况"))
        register_nav(NavItem("社工服务", "society:services", caps.RECORD_SOCIAL_WORK, 63, "社工站服务记录与月度统计"))
        register_nav(
            NavItem(
                "村务公开",
                "society:affairs",
                (caps.PUBLISH_AFFAIRS, caps.CHECK_AFFAIRS),
                64,
                "公开目录、发布和按期公开情况",
            )
        )
        register_timeline_provider(timeline.society_events)
