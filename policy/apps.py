from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """Programmes, dated policy parameters per area with their source documents, and the pure rule
    functions (政策与规则) that every business line reads."""

    name = "policy"
    verbose_name = "政策参数"

    def ready(self):
        from core.navigation import NavItem, register_nav

        register_nav(NavItem("政策参数", "policy:parameters", None, 32, "现行标准、依据文件与历史"))
