from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav

        # The area browser's entry: areas is the layer below core and registers nothing itself.
        register_nav(NavItem("行政区划", "areas:browser", None, 980, "辖区内乡镇、村社区和网格"))
