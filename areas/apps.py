from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "areas"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav

        register_nav(NavItem("行政区划", "areas:browser", None, 980, "辖区内乡镇、村社区和网格"))
