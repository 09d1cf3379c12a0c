"""Review cases from the schedule: one per enrolment due in the window, in the township's queue,
never twice; the review keeps, adjusts, exits gradually, stops or records fraud through the ledger,
and recording the outcome closes the review case at its county step."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.casework import ReviewCase
from assistance.reviews import active_step, decide_review
from cases.actions import approve_step
from cases.models import Case, CaseStep
from cases.tests.factories import give_documents
from core.errors import DomainError
from ledger.models import Enrolment, EnrolmentEvent
from ledger.reviews import open_review_cases, schedule_reviews
from ledger.services import enrol
from registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_policy")]


def enrolled(decided_on, basis="stable"):
    # The household's facts match the basis: a later review derives its interval from them.
    household = HouseholdFactory(head__labour_capacity="none" if basis == "stable" else "full")
    give_documents(household, ["id_card", "household_booklet", "income_proof"])  # what 低保变更 requires
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


def pass_step(review, user, on_date):
    step = active_step(review)
    approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date)


def test_review_outcomes_go_through_the_ledger(clerk_a, reviewer_a, approver):
    enrolment = enrolled(date(2024, 10, 15))
    schedule_reviews(date(2025, 10, 1))
    open_review_cases(date(2025, 10, 1))
    review = ReviewCase.objects.get()
    pass_step(review, clerk_a, date(2025, 10, 10))
    pass_step(review, reviewer_a, date(2025, 10, 15))
    with pytest.raises(DomainError):
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


def test_the_outcome_is_recorded_at_the_county_step_and_closes_the_review_case(clerk_a, reviewer_a, approver):
    enrolment = enrolled(date(2024, 10, 15))
    schedule_reviews(date(2025, 10, 1))
    open_review_cases(date(2025, 10, 1))
    review = ReviewCase.objects.select_related("case").get()
    decide = {"on_date": date(2025, 10, 20), "outcome": "kept", "reason": "收入未变化"}
    with pytest.raises(DomainError) as early:
        decide_review(user=approver, review=review, **decide)
    assert early.value.code == "wrong_step" and "受理审查" in early.value.message
    pass_step(review, clerk_a, date(2025, 10, 10))
    pass_step(review, reviewer_a, date(2025, 10, 15))
    last = active_step(review)
    with pytest.raises(DomainError) as bypass:  # the case page cannot close it without an outcome
        approve_step(user=approver, step_id=last.pk, expected_version=last.row_version, on_date=date(2025, 10, 20))
    assert bypass.value.code == "review_outcome_required"
    with pytest.raises(DomainError) as township:
        decide_review(user=reviewer_a, review=review, **decide)
    assert township.value.code == "no_permission"
    decide_review(user=approver, review=review, **decide)
    case = Case.objects.get(pk=review.case_id)
    assert case.status == Case.Status.APPROVED
    assert CaseStep.objects.get(pk=last.pk).opinion == "复核结果：维持。收入未变化"
    enrolment.refresh_from_db()
    assert enrolment.last_reviewed_on == date(2025, 10, 20)
    assert enrolment.review_schedule.due_on == date(2026, 10, 20)


def test_the_review_page_offers_the_outcome_form_only_at_the_county_step(client, clerk_a, reviewer_a, approver):
    enrolled(date(2024, 10, 15))
    schedule_reviews(date(2025, 10, 1))
    open_review_cases(date(2025, 10, 1))
    review = ReviewCase.objects.get()
    client.force_login(approver)
    page = client.get("/assistance/reviews/").content.decode()
    assert "正在“受理审查”环节" in page and 'name="outcome"' not in page
    pass_step(review, clerk_a, date(2025, 10, 10))
    pass_step(review, reviewer_a, date(2025, 10, 15))
    page = client.get("/assistance/reviews/").content.decode()
    assert 'name="outcome"' in page
    client.post(f"/assistance/reviews/{review.pk}/decide/", {"outcome": "kept", "reason": "收入未变化"})
    assert ReviewCase.objects.get().outcome == "kept"
    assert Case.objects.get(pk=review.case_id).status == Case.Status.APPROVED


def test_the_daily_command_opens_the_due_reviews_once(clerk_a, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from jobs.models import Job

    due = enrolled(date(2024, 10, 15))
    enrolled(date(2025, 6, 1))  # due next June
    with django_capture_on_commit_callbacks(execute=True):
        call_command("open_due_reviews", "--date", "2025-10-01", stdout=StringIO())
    job = Job.objects.get(kind="ledger.open_due_reviews")
    assert job.status == Job.Status.SUCCEEDED and job.result["opened"] == 1
    assert list(ReviewCase.objects.values_list("enrolment_id", flat=True)) == [due.pk]
    out = StringIO()
    call_command("open_due_reviews", "--date", "2025-10-02", "--inline", stdout=out)
    assert "'opened': 0" in out.getvalue() and "'already_open': 1" in out.getvalue()
    assert ReviewCase.objects.count() == 1
