"""Places and people for the cockpit and home-page tests (on top of the project's conftest):
two townships of 新邵县, each with one village and a household, a county leader (孙局长) and a
township leader who sees only 严塘镇."""

import pytest

from accounts.models import Unit
from accounts.tests.factories import StaffFactory, UnitFactory, ensure_area
from cases.services import accept_application
from cases.tests.factories import give_documents, item
from registry.tests.factories import HouseholdFactory

VILLAGE_A = "430522100201"  # 城西社区 (酿溪镇): a 居委会, urban
VILLAGE_B = "430522101201"  # 严塘镇 a village committee, rural
DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


@pytest.fixture
def village_b(township_b):
    ensure_area(VILLAGE_B, "白水村")
    return UnitFactory(name="白水村村委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_B, parent=township_b)


@pytest.fixture
def leader(county_bureau):
    return StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])


@pytest.fixture
def township_leader(township_b):
    return StaffFactory(username="leader_b", full_name="严塘镇领导", unit=township_b, roles=["leader"])


@pytest.fixture
def open_case():
    """open_case(user, area_code, on_date) → an accepted case in progress, its first step active."""

    def make(user, area_code, on_date):
        ensure_area(area_code)
        household = HouseholdFactory(area_code=area_code)
        give_documents(household, DOCS)
        return accept_application(user=user, item=item("disability_living"), household=household, on_date=on_date).case

    return make
