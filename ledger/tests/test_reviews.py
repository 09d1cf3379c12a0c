"""The review schedule job (动态管理) on both databases: one row per open enrolment in the
schedule table, brought forward after a death, nothing rewritten on a second run."""

from datetime import date
from decimal import Decimal

import pytest

from areas.jurisdiction import scope_for_area, within
from ledger import services
from ledger.models import Enrolment, ReviewSchedule
from ledger.reviews import schedule_reviews
from policy.models import PolicyParameter
from policy.programmes import ParameterKey as K
from policy.programmes import Programme, ReviewReason
from registry.models import Person
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def enrol(decided_on, basis=Enrolment.ReviewBasis.STABLE, area="430522100201"):
    household = HouseholdFactory(area_code=area)
    enrolment = services.enrol(
        programme=Programme.DIBAO,
        household=household,
        monthly_amount=Decimal("500"),
        decided_on=decided_on,
        review_basis=basis,
    )
    ReviewSchedule.objects.filter(enrolment=enrolment).delete()  # as if never scheduled
    return enrolment


def due_of(enrolment):
    schedule = ReviewSchedule.objects.filter(enrolment=enrolment).first()
    return (schedule.due_on, schedule.reason) if schedule else (None, None)


def test_stable_yearly_unstable_half_yearly_and_month_end_clamped():
    stable = enrol(date(2025, 3, 15))
    unstable = enrol(date(2025, 8, 31), Enrolment.ReviewBasis.UNSTABLE)
    report = schedule_reviews(date(2025, 9, 1))
    assert report.changed == 2
    assert due_of(stable)[0] == date(2026, 3, 15)
    assert due_of(unstable)[0] == date(2026, 2, 28)


def test_a_death_brings_the_review_forward_to_three_months():
    enrolment = enrol(date(2025, 1, 10))
    Person.objects.filter(pk=enrolment.household.head_id).update(life_status="deceased", death_date=date(2025, 5, 20))
    schedule_reviews(date(2025, 6, 1))
    assert due_of(enrolment) == (date(2025, 8, 20), ReviewReason.DEATH)


def test_running_twice_changes_nothing_the_second_time():
    enrol(date(2025, 3, 15))
    assert schedule_reviews(date(2025, 9, 1)).changed == 1
    assert schedule_reviews(date(2025, 9, 1)).changed == 0


def test_a_changed_rule_rewrites_only_the_rows_it_moves():
    stable = enrol(date(2025, 3, 15))
    unstable = enrol(date(2025, 3, 15), Enrolment.ReviewBasis.UNSTABLE)
    schedule_reviews(date(2025, 9, 1))
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.REVIEW_UNSTABLE_MONTHS, value=3, effective_from=date(2025, 9, 2)
    )
    assert schedule_reviews(date(2025, 9, 2)).changed == 1
    assert due_of(unstable) == (date(2025, 6, 15), ReviewReason.UNSTABLE)
    assert due_of(stable) == (date(2026, 3, 15), ReviewReason.STABLE)


def test_county_parameters_are_read_from_policy():
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.REVIEW_STABLE_MONTHS, value=24, effective_from=date(2025, 1, 1)
    )
    enrolment = enrol(date(2025, 3, 15))
    schedule_reviews(date(2025, 9, 1))
    assert due_of(enrolment)[0] == date(2027, 3, 15)


def test_stopped_enrolments_are_not_scheduled_and_scope_limits_the_job():
    stopped = enrol(date(2025, 3, 15))
    services.stop(stopped, decided_on=date(2025, 4, 1), reason="收入超标")
    other_township = enrol(date(2025, 3, 15), area="430522101201")
    with within(scope_for_area("430522100000")):
        schedule_reviews(date(2025, 9, 1))
    assert due_of(stopped)[0] is None  # stopping removed it; the job does not bring it back
    assert due_of(other_township)[0] is None
