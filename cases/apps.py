from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_catalogue(sender, using="default", **kwargs):
    """migrate runs the catalogue loader: shipped items appear without a separate step."""
    from django.db import connections

    from areas.jurisdiction import system_scope
    from cases.catalogue import load_service_catalogue

    tables = connections[using].introspection.table_names()
    if "cases_serviceitem" not in tables or "registry_documenttype" not in tables:
        return
    with system_scope():
        load_service_catalogue()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "一门受理"

    def ready(self):
        post_migrate.connect(_load_catalogue, sender=self)
