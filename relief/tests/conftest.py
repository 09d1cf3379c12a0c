"""Relief tests: the root conftest's 新邵县 / 酿溪镇 / 城西社区 plus a second village of 酿溪镇, the demo
county's amounts in force."""

import pytest

from conftest import VILLAGE_A
from policy.tests.factories import local_amounts

VILLAGE_B = "430522100202"


@pytest.fixture(autouse=True)
def county_amounts(db):
    local_amounts()


@pytest.fixture
def villages(township_a):
    from accounts.tests.factories import ensure_area

    return [ensure_area(VILLAGE_A, "城西社区"), ensure_area(VILLAGE_B, "城东社区")]


@pytest.fixture
def worker_b(villages, township_a):
    from accounts.models import Unit
    from accounts.tests.factories import StaffFactory, UnitFactory

    unit = UnitFactory(name="城东社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_B, parent=township_a)
    return StaffFactory(username="worker_b", full_name="钱民生", unit=unit, roles=["livelihood_worker"])


@pytest.fixture
def flood(villages, approver):
    from datetime import timedelta

    from django.utils import timezone

    from areas.jurisdiction import scope_for_user, within
    from relief import reporting
    from relief.models import DisasterKind

    with within(scope_for_user(approver)):
        return reporting.declare_event(
            user=approver,
            name="强降雨洪涝",
            kind=DisasterKind.FLOOD,
            started_at=timezone.now() - timedelta(hours=3),
            areas=[VILLAGE_A, VILLAGE_B],
        )


@pytest.fixture
def store(county_bureau):
    from relief.models import Store

    return Store.objects.create(area_code="430522000000", name="县救灾物资储备库")


@pytest.fixture
def signature():
    from relief.demo import SIGNATURE

    return SIGNATURE
