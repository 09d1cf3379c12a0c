from django.apps import AppConfig


class FuneralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funerals"
    verbose_name = "殡葬管理"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from funerals import capabilities, services
        from ledger.hooks import register_roll_lines
        from policy.programmes import Programme
        from registry.hooks import register_death_listener

        register_death_listener(services.death_listener)
        register_roll_lines(Programme.FUNERAL_WAIVER, services.waiver_lines)
        register_roll_lines(Programme.ECO_BURIAL, services.reward_lines)
        register_nav(
            NavItem("死亡信息", "funerals:deaths", capabilities.VIEW_DEATHS, 60, "公安、医院、殡仪馆死亡信息比对与停发")
        )
        register_nav(
            NavItem("殡葬服务", "funerals:services", capabilities.MANAGE_DEATHS, 61, "基本殡葬服务减免和生态安葬奖补")
        )
