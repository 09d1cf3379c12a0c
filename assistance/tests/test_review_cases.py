"""Review cases from the schedule: one per enrolment due in the window, in the township's queue,
never twice; the review keeps, adjusts, exits gradually, stops or records fraud through the ledger."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import ReviewCase
from assistance.errors import AssistanceError
from assistance.reviews import decide_review
from ledger.models import Enrolment, EnrolmentEvent
from ledger.reviews import open_review_cases, schedule_reviews
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def enrolled(decided_on, basis="stable"):
    household = HouseholdFactory()
    return enrol(
        programme="dibao",
        household=household,
        monthly_amount=Decimal("600"),
        decided_on=decided_on,
        covered_members=2,
        review_basis=basis,
    )


def test_due_enrolments_get_one_review_case_each_in_the_township_queue(clerk_a, clerk_b):
    due = enrolled(date(2024, 10, 15))  # yearly: due 15 Oct 2025
    unstable = enrolled(date(2025, 4, 20), basis="unstable")  # 6-monthly: due 20 Oct 2025
    later = enrolled(date(2025, 6, 1))
    schedule_reviews(date(2025, 10, 1))
    result = open_review_cases(date(2025, 10, 1), window_days=30)
    assert result.opened == 2 and result.without_clerk == []
    cases = {r.enrolment_id: r.case for r in ReviewCase.objects.select_related("case")}
    assert set(cases) == {due.pk, unstable.pk} and later.pk not in cases
    case = cases[due.pk]
    assert case.accepting_unit == clerk_a.unit and case.item.code == "dibao_change"
    again = open_review_cases(date(2025, 10, 2), window_days=30)
    assert again.opened == 0 and again.already_open == 2


def test_review_outcomes_go_through_the_ledger(clerk_a, approver):
    enrolment = enrolled(date(2024, 10, 15))
    schedule_reviews(date(2025, 10, 1))
    open_review_cases(date(2025, 10, 1))
    review = ReviewCase.objects.get()
    with pytest.raises(AssistanceError):
        decide_review(
            user=approver,
            review=review,
            on_date=date(2025, 10, 20),
            outcome="fraud",
            reason="隐瞒收入",
            months_paid_wrongly=6,
            fine_multiple=Decimal("4"),
        )
    decide_review(
        user=approver,
        review=review,
        on_date=date(2025, 10, 20),
        outcome="fraud",
        reason="隐瞒收入",
        months_paid_wrongly=6,
        fine_multiple=Decimal("2"),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.STOPPED
    money = dict(
        EnrolmentEvent.objects.filter(enrolment=enrolment, kind__in=["recovery", "fine"]).values_list("kind", "money")
    )
    assert money == {"recovery": Decimal("3600.00"), "fine": Decimal("7200.00")}
    assert "追回3600" in ReviewCase.objects.get().outcome_note
