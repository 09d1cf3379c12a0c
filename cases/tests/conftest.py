"""Named people and places for the cases tests (on top of the project's conftest):
赵民生 (worker_a, 民生员 of 城西社区), 李经办 (clerk_a, 酿溪镇), 刘审批 (approver, county), 周残联 (an
officer of the county 残联), 孙局长 (leader). Dates are always injected: no test reads 'today'."""

from datetime import date

import pytest

from accounts.models import Unit
from accounts.tests.factories import StaffFactory, UnitFactory
from cases import workdays
from cases.models import ServiceItem
from registry.models import Document
from registry.tests.factories import HouseholdFactory

COUNTY = "430522000000"


@pytest.fixture(autouse=True)
def _fresh_workday_overrides():
    """A test's overrides are rolled back without a signal: the next test must not see them cached."""
    yield
    workdays._overrides_by_year.clear()


@pytest.fixture
def disabled_federation(county_bureau):
    return UnitFactory(
        name="新邵县残疾人联合会",
        kind=Unit.Kind.DEPARTMENT,
        department=Unit.Department.DISABLED_FEDERATION,
        area_code=COUNTY,
    )


@pytest.fixture
def cl_officer(disabled_federation):
    return StaffFactory(username="cl_officer", full_name="周残联", unit=disabled_federation, roles=[])


@pytest.fixture
def leader(county_bureau):
    return StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])


@pytest.fixture
def reviewer_a(township_a):
    return StaffFactory(username="reviewer_a", full_name="黄审核", unit=township_a, roles=["reviewer"])


@pytest.fixture
def household(worker_a):
    household = HouseholdFactory(phone="13800000001")
    return household


def give_documents(household, codes, *, valid_until=None):
    """Put documents of these types into the library for the household (and its head)."""
    from registry.models import DocumentType

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


DAY = date(2025, 9, 26)  # a Friday before National Day 2025; Sunday 28 Sep is a working day


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def restore_reference_data() -> None:
    """Transactional tests (threads, live server) empty every table afterwards, data migrations'
    rows included: put back roles, document types and the catalogue (with its materials)."""
    import importlib

    from django.apps import apps

    from accounts.models import Role
    from accounts.roles import RoleCode
    from cases.catalogue import load_service_catalogue
    from cases.models import ServiceItemVersion, StepDefinition
    from registry.models import DocumentType

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    if not DocumentType.objects.exists():
        importlib.import_module("registry.migrations.0002_document_types").create(apps, None)
    if not ServiceItemVersion.objects.filter(required_documents__isnull=False).exists():
        StepDefinition.objects.all().delete()
        ServiceItemVersion.objects.all().delete()
        ServiceItem.objects.all().delete()
    load_service_catalogue()
