"""Reviews close by themselves: the review interval comes from the household's facts, and a
recipient who falls due gets a review case from the scheduler's tick — nobody presses a button."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from cases.tests.factories import give_documents
from jobs import scheduler
from jobs.models import PeriodicRun
from ledger.models import Enrolment, ReviewSchedule
from ledger.services import enrol, keep_after_review, review_basis_of
from policy.demo import load_demo_policy
from policy.models import PolicyParameter
from policy.programmes import ParameterKey as K
from policy.programmes import Programme, ReviewReason
from registry.models import Membership, Person
from registry.relations import Relation
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
FULL, PARTIAL, NONE = (Person.LabourCapacity.FULL, Person.LabourCapacity.PARTIAL, Person.LabourCapacity.NONE)


def household_of(*capacities, dead=()):
    """A household whose head has the first labour capacity and one member per further one."""
    household = HouseholdFactory(head__labour_capacity=capacities[0])
    for i, capacity in enumerate(capacities[1:], start=1):
        person = PersonFactory(labour_capacity=capacity, birth_date=date(1950 + i, 1, 1))
        if i in dead:
            person.life_status, person.death_date = Person.LifeStatus.DECEASED, date(2025, 1, 1)
            person.save()
        Membership.objects.create(
            household=household,
            person=person,
            relation=Relation.SPOUSE if i == 1 else "20",
            start_date=date(2020, 1, 1),
        )
    return household


BASIS = [
    ("an elderly couple, neither able to work: yearly", (NONE, NONE), (), "stable"),
    ("a disabled head with partial capacity: yearly", (PARTIAL,), (), "stable"),
    ("a member able to work: every six months", (NONE, FULL), (), "unstable"),
    ("a head able to work: every six months", (FULL, NONE), (), "unstable"),
    ("the only member able to work has died: yearly", (NONE, FULL), (1,), "stable"),
]


@pytest.mark.parametrize(("rule", "capacities", "dead", "basis"), BASIS, ids=[c[0] for c in BASIS])
def test_review_interval_from_the_households_facts(rule, capacities, dead, basis):
    assert review_basis_of(household_of(*capacities, dead=dead)) == basis


def test_a_personal_enrolment_looks_at_its_beneficiary_only():
    household = household_of(FULL, NONE)
    beneficiary = Membership.objects.filter(household=household).exclude(person=household.head).get().person
    assert review_basis_of(household, beneficiary) == "stable"


def test_enrolment_and_review_schedule_follow_the_facts_and_local_policy():
    load_demo_policy()
    working = enrol(
        programme=Programme.DIBAO,
        household=household_of(FULL, NONE),
        monthly_amount=Decimal("500"),
        decided_on=date(2025, 3, 15),
    )
    elderly = enrol(
        programme=Programme.DIBAO,
        household=household_of(NONE, NONE),
        monthly_amount=Decimal("500"),
        decided_on=date(2025, 3, 15),
    )
    assert working.review_basis == "unstable" and elderly.review_basis == "stable"
    assert ReviewSchedule.objects.get(enrolment=working).due_on == date(2025, 9, 15)
    assert ReviewSchedule.objects.get(enrolment=elderly).due_on == date(2026, 3, 15)
    # The county decides stable households are reviewed every 24 months from 2026: a dated parameter.
    PolicyParameter.objects.create(
        area_code="430522000000", key=K.REVIEW_STABLE_MONTHS, value=24, effective_from=date(2026, 1, 1)
    )
    keep_after_review(elderly, reviewed_on=date(2026, 3, 10))
    schedule = ReviewSchedule.objects.get(enrolment=elderly)
    assert (schedule.due_on, schedule.reason) == (date(2028, 3, 10), ReviewReason.STABLE)


def test_a_recipient_falling_due_gets_a_review_case_from_the_scheduler_alone(
    clerk_a, django_capture_on_commit_callbacks
):
    load_demo_policy()
    household = household_of(FULL, NONE)
    give_documents(household, ["id_card", "household_booklet", "income_proof"])  # what 低保变更 requires
    enrolment = enrol(
        programme=Programme.DIBAO, household=household, monthly_amount=Decimal("500"), decided_on=date(2025, 3, 15)
    )
    assert enrolment.review_basis == Enrolment.ReviewBasis.UNSTABLE  # due 15 Sep 2025

    def tick(text):
        with django_capture_on_commit_callbacks(execute=True):
            return scheduler.tick(timezone.make_aware(datetime.fromisoformat(text)))

    tick("2025-07-20T03:00")  # not yet within the 30-day window
    assert not Case.objects.filter(household=household).exists()
    tick("2025-08-20T03:00")  # within 30 days of the due date: the 02:30 run opens the case
    review = Case.objects.get(household=household)
    assert review.item.code == "dibao_change" and review.accepting_unit == clerk_a.unit
    run = PeriodicRun.objects.get(key="ledger.open_due_reviews", period=date(2025, 8, 20))
    assert run.status == "succeeded" and run.result["新立复核案件"] == 1
    tick("2025-08-21T03:00")  # the next day's run joins, never doubles
    assert Case.objects.filter(household=household).count() == 1
    failed = PeriodicRun.objects.filter(status="failed").values_list("key", "error")
    assert list(failed) == []  # every registered loop ran on these ticks without failing


def test_overdue_reviews_are_flagged_on_the_recipient_list_and_the_leaders_board(
    client, clerk_a, county_bureau, monkeypatch
):
    from django.urls import reverse

    from accounts.tests.factories import StaffFactory

    load_demo_policy()
    late = enrol(
        programme=Programme.DIBAO,
        household=household_of(NONE, NONE),
        monthly_amount=Decimal("500"),
        decided_on=date(2025, 3, 15),
    )  # yearly: due 15 Mar 2026
    enrol(
        programme=Programme.DIBAO,
        household=household_of(NONE),
        monthly_amount=Decimal("400"),
        decided_on=date(2026, 2, 1),
    )  # due 1 Feb 2027
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 4, 4))
    client.force_login(clerk_a)
    page = client.get(reverse("assistance:recipients"), {"programme": "dibao"}).content.decode()
    assert "1 个保障对象已过复核日期尚未复核" in page and "逾期20天" in page
    only = client.get(reverse("assistance:recipients"), {"programme": "dibao", "review": "overdue"})
    assert only.context["total"] == 1 and only.context["rows"][0][0][1] == late.household.head.name
    leader = StaffFactory(unit=county_bureau, roles=["leader"])
    client.force_login(leader)
    board = client.get(reverse("cases:board")).content.decode()
    assert "逾期未复核" in board and clerk_a.unit.name in board


def test_the_reviewer_may_name_the_basis_the_registry_cannot_see_and_nothing_else():
    """Irregular income is not in the registry: the reviewer's 收入不稳定 wins over the facts."""
    from core.errors import DomainError

    load_demo_policy()
    elderly = enrol(
        programme=Programme.DIBAO,
        household=household_of(NONE, NONE),
        monthly_amount=Decimal("500"),
        decided_on=date(2025, 3, 15),
    )
    keep_after_review(elderly, reviewed_on=date(2026, 3, 10), review_basis="unstable")
    assert ReviewSchedule.objects.get(enrolment=elderly).due_on == date(2026, 9, 10)
    with pytest.raises(DomainError, match="复核类别只能是"):
        keep_after_review(elderly, reviewed_on=date(2026, 9, 1), review_basis="monthly")
