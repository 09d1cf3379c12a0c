from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "居民户籍库"

    def ready(self) -> None:
        from accounts.roles import Capability
        from core.navigation import NavItem, register_nav
        from jobs.exports import register_export
        from registry import (
            timeline,  # noqa: F401 - registers the registry's own timeline provider
            unidentified,
        )
        from registry.importing import jobs  # noqa: F401 - the worker process must know the import job
        from registry.views.households import HOUSEHOLD_EXPORT, household_export
        from registry.views.persons import PERSON_EXPORT, person_export

        unidentified._register_timeline()
        register_export(HOUSEHOLD_EXPORT, "家庭户名单", household_export)
        register_export(PERSON_EXPORT, "居民名单", person_export)

        register_nav(NavItem("居民", "registry:person_list", None, 100, "查找居民，查看360°档案，导出Excel"))
        register_nav(NavItem("家庭户", "registry:household_list", None, 110, "登记新户、分户并户、家庭成员"))
        register_nav(NavItem("证照材料", "registry:document_list", None, 120, "一次采集、反复使用的证照材料库"))
        register_nav(
            NavItem(
                "台账导入",
                "registry:registry_import:home",
                Capability.ACCEPT_APPLICATIONS,
                115,
                "Excel批量导入家庭户，错误逐行标注",
            )
        )
