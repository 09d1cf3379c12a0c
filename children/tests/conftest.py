"""Children tests: a village of 酿溪镇 with its 儿童主任, the demo county's policy in force."""

from datetime import date

import pytest

from conftest import VILLAGE_A


@pytest.fixture(autouse=True)
def county_policy(db):
    from policy.demo import load_demo_policy

    load_demo_policy()


@pytest.fixture
def village_a(township_a):
    from accounts.models import Unit
    from accounts.tests.factories import UnitFactory, ensure_area

    ensure_area(VILLAGE_A, "城西社区")
    return Unit.objects.filter(area_code=VILLAGE_A).first() or UnitFactory(
        name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_A, parent=township_a
    )


@pytest.fixture
def director(village_a):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="ertong_a", full_name="周儿童", unit=village_a, roles=["children_director"])


@pytest.fixture
def child_household():
    from registry.tests.factories import HouseholdFactory

    return HouseholdFactory(head__name="刘小雨", head__birth_date=date(2016, 3, 8), head__sex="F")
