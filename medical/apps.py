from datetime import time

from django.apps import AppConfig


class MedicalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "medical"
    verbose_name = "医疗救助"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav
        from jobs.periodic import Every, Periodic, register_periodic
        from medical import capabilities as caps
        from medical import exchange, partners_exchange, timeline  # noqa: F401 - they register themselves

        register_nav(
            NavItem("医疗救助", "medical:index", caps.EXCHANGE_MEDICAL, 330, "向医保局报送救助对象，导入医疗救助支付")
        )
        register_periodic(
            Periodic(
                key="medical.monthly_full",
                label="医疗救助对象月度全量报送文件",
                every=Every.MONTHLY,
                day_of_month=1,
                at=time(3, 30),
                run=exchange.monthly_full,
            )
        )
        register_periodic(
            Periodic(
                key="medical.daily_delta",
                label="医疗救助对象变动增量报送文件",
                every=Every.DAILY,
                at=time(3, 40),
                run=exchange.daily_delta,
            )
        )
