"""Grid tests: the people of a village and its township (the root conftest's 新邵县/酿溪镇/城西社区),
with the demo county's amounts in force."""

import pytest

from conftest import VILLAGE_A
from policy.tests.factories import local_amounts


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts()


@pytest.fixture
def village_a(township_a):
    from accounts.models import Unit
    from accounts.tests.factories import UnitFactory, ensure_area

    ensure_area(VILLAGE_A, "城西社区")
    return Unit.objects.filter(area_code=VILLAGE_A).first() or UnitFactory(
        name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_A, parent=township_a
    )


@pytest.fixture
def grid_worker(village_a):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="wangge_a", full_name="曾网格", unit=village_a, roles=["grid_worker"])


@pytest.fixture
def minsheng(village_a):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="minsheng_a", full_name="赵民生", unit=village_a, roles=["livelihood_worker"])


@pytest.fixture
def household():
    from registry.tests.factories import HouseholdFactory

    return HouseholdFactory(area_code=VILLAGE_A)
