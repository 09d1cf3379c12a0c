"""Helpers for tests of the cases engine and the business lines built on it: documents in the
library, catalogue items by code, the reference data a transactional test's flush removes, and the
day the case tests run on."""

from datetime import date

from cases.models import ServiceItem
from registry.models import Document, DocumentType

DAY = date(2025, 9, 26)  # a Friday before National Day 2025; Sunday 28 Sep is a working day


def give_documents(household, codes, *, valid_until=None):
    """Put documents of these types into the library for the household (and its head)."""
    created = []
    for code in codes:
        doc_type = DocumentType.objects.get(code=code)
        if doc_type.holder == DocumentType.Holder.HOUSEHOLD:
            holder = {"household": household}
        else:
            holder = {"person": household.head}
        created.append(
            Document.objects.create(
                doc_type=doc_type, number=f"{code}-1", valid_until=valid_until, area_code=household.area_code, **holder
            )
        )
    return created


def item(code: str) -> ServiceItem:
    return ServiceItem.objects.get(code=code)


def restore_reference_data() -> None:
    """Transactional tests (threads, live server) empty every table afterwards, data migrations'
    rows included: put back roles, document types and the catalogue (with its materials)."""
    import importlib

    from django.apps import apps

    from accounts.models import Role
    from accounts.roles import RoleCode
    from cases.catalogue import load_service_catalogue
    from cases.models import ServiceItemVersion, StepDefinition

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    if not DocumentType.objects.exists():
        importlib.import_module("registry.migrations.0002_document_types").create(apps, None)
    if not ServiceItemVersion.objects.filter(required_documents__isnull=False).exists():
        StepDefinition.objects.all().delete()
        ServiceItemVersion.objects.all().delete()
        ServiceItem.objects.all().delete()
    load_service_catalogue()
