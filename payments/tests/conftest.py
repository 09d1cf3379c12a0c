"""Shared set-up for payments tests: demo policy amounts, households with bank accounts, enrolments."""

from datetime import date
from decimal import Decimal

import pytest

from ledger import services
from policy.defaults import DEMO_AMOUNTS
from policy.models import PolicyParameter
from policy.programmes import Programme
from registry.tests.factories import HouseholdFactory

VILLAGE_A = "430522100201"
VILLAGE_B = "430522101201"
APRIL = date(2025, 4, 1)
MAY = date(2025, 5, 1)


@pytest.fixture(autouse=True)
def county_amounts(db):
    for key, value in DEMO_AMOUNTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="430522000000", key=key, effective_from=date(2025, 1, 1), defaults={"value": value}
        )


_accounts = iter(range(10**6))


def household(area=VILLAGE_A, name=None, account=True, **kwargs):
    extra = {"head__name": name} if name else {}
    h = HouseholdFactory(area_code=area, **extra, **kwargs)
    if account:
        h.bank_name = "农村商业银行"
        h.bank_account = f"62215800{next(_accounts):011d}"
        h.bank_account_name = h.head.name
        h.save()
    return h


def dibao(h, amount="810.00", decided_on=date(2025, 3, 20), members=3):
    return services.enrol(
        programme=Programme.DIBAO,
        household=h,
        monthly_amount=Decimal(amount),
        decided_on=decided_on,
        covered_members=members,
        case_reference="DB2025-0001",
    )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
