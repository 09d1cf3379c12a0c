"""The demo 临时救助 that `make run` seeds goes through the real procedure and pays."""

from datetime import date

import pytest

from accounts.tests.factories import StaffFactory
from assistance.casework import TemporaryAidPayment
from assistance.demo import seed_temporary_aid
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def test_demo_temporary_aid_is_paid_first_in_kind_and_through_the_roll(township_a, county_bureau):
    StaffFactory(username="clerk", unit=township_a, roles=["clerk"])
    StaffFactory(username="reviewer", unit=township_a, roles=["reviewer"])
    StaffFactory(username="approver", unit=county_bureau, roles=["approver"])
    for _ in range(12):
        HouseholdFactory()
    done = seed_temporary_aid(date(2025, 9, 22))
    assert len(done) == 2 and all("未能生成" not in line for line in done), done
    methods = sorted(TemporaryAidPayment.objects.values_list("stage", "method"))
    assert methods == [("advance", "in_kind"), ("approved", "roll")]
    assert seed_temporary_aid(date(2025, 9, 22)) == []  # idempotent
