"""The monthly evaluation: each computed indicator against a hand-counted fixture, scores and ranks,
and a published month that a later correction leaves as it was."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import CaseEvent, CaseStep, Supervision, Transfer
from cases.services import accept_application
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError
from monitoring.models import Warning
from registry.tests.factories import HouseholdFactory
from supervision import evaluation as service
from supervision.indicators import computed_figures
from supervision.models import Evaluation, Finding, Indicator, Rectification, SubjectType

pytestmark = pytest.mark.django_db

NOV = date(2025, 11, 1)
DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
S = CaseStep.State


@pytest.fixture
def month(worker_a, clerk_a, clerk_b, township_a, township_b, county_bureau, auditor):
    """November 2025 in 酿溪镇 (A) and 严塘镇 (B), counted by hand:

    steps finished in November: A s0 on time, s1 late, s2 without a deadline (on time); B s3 late.
    steps due in November and not done by then: A s1; B s3 and s4 (still open).
    outside the month: s5 finished in October, s6 due in December.
    supervisions issued in November: A 2, B 1 (and A 1 in October).
    transfers due in November: A replied on time 1 of 2; B late 1 of 1 (a cancelled one does not count).
    returns for correction in November: 2 at a step after A's, 1 at the first step (the window's).
    findings in November: A 2, B 0; rectifications due in November: A 1 of 2 reported in time.
    warnings of 赵民生 due in November: 1 of 3 visited by the deadline (one due in December).
    """
    cases = []
    for _ in range(3):
        household = HouseholdFactory()
        give_documents(household, DOCS)
        cases.append(
            accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
        )
    steps = list(CaseStep.objects.filter(case__in=cases).order_by("case_id", "order"))
    plan = [
        (township_a, S.DONE, date(2025, 11, 10), date(2025, 11, 5), clerk_a),
        (township_a, S.DONE, date(2025, 11, 10), date(2025, 11, 12), clerk_a),
        (township_a, S.DONE, None, date(2025, 11, 20), clerk_a),
        (township_b, S.DONE, date(2025, 11, 3), date(2025, 11, 4), clerk_b),
        (township_b, S.ACTIVE, date(2025, 11, 15), None, None),
        (township_a, S.DONE, date(2025, 10, 30), date(2025, 10, 30), clerk_a),
        (township_a, S.ACTIVE, date(2025, 12, 5), None, None),
    ]
    for step, (unit, state, due, finished, who) in zip(steps, plan, strict=False):
        CaseStep.objects.filter(pk=step.pk).update(
            responsible_unit=unit, state=state, due_on=due, finished_on=finished, acted_by=who
        )
    for step in steps[len(plan) :]:
        CaseStep.objects.filter(pk=step.pk).update(state=S.PENDING, due_on=None, finished_on=None, acted_by=None)
    case = cases[0]
    for unit, issued in [
        (township_a, date(2025, 11, 3)),
        (township_a, date(2025, 11, 18)),
        (township_b, date(2025, 11, 7)),
        (township_a, date(2025, 10, 9)),
    ]:
        Supervision.objects.create(
            case=case,
            kind=Supervision.Kind.MANUAL,
            target_unit=unit,
            reason="督办",
            issued_on=issued,
            due_on=issued,
            area_code=case.area_code,
        )
    for unit, due, replied, state in [
        (township_a, date(2025, 11, 10), date(2025, 11, 9), Transfer.State.REPLIED),
        (township_a, date(2025, 11, 20), None, Transfer.State.OPEN),
        (township_b, date(2025, 11, 5), date(2025, 11, 6), Transfer.State.REPLIED),
        (township_b, date(2025, 11, 7), None, Transfer.State.CANCELLED),
    ]:
        Transfer.objects.create(
            case=case,
            step=steps[0],
            from_unit=county_bureau,
            to_unit=unit,
            request="核实",
            sent_on=date(2025, 11, 1),
            due_on=due,
            replied_on=replied,
            state=state,
            area_code=unit.area_code,
        )
    # returns: at the 2nd and 3rd steps of the first case (answerable to the step before: A) and at the
    # first step of the second case (answerable to the accepting window: the village committee)
    for step, on in [
        (steps[1], date(2025, 11, 4)),
        (steps[2], date(2025, 11, 14)),
        (steps[3], date(2025, 11, 14)),
        (steps[1], date(2025, 10, 4)),
    ]:
        CaseEvent.objects.create(
            case=step.case, step=step, kind=CaseEvent.Kind.CORRECTION_REQUESTED, at=timezone.now(), on_date=on
        )
    findings = [
        Finding.objects.create(
            kind="other", description="问题", responsible_unit=township_a, found_on=d, area_code=township_a.area_code
        )
        for d in (date(2025, 11, 2), date(2025, 11, 20))
    ]
    for finding, due, submitted in [
        (findings[0], date(2025, 11, 21), date(2025, 11, 20)),
        (findings[1], date(2025, 11, 28), None),
    ]:
        Rectification.objects.create(
            finding=finding,
            responsible_unit=township_a,
            opened_on=finding.found_on,
            due_on=due,
            submitted_on=submitted,
            area_code=township_a.area_code,
        )
    household = HouseholdFactory()
    for n, (due, visited) in enumerate(
        [
            (date(2025, 11, 10), date(2025, 11, 9)),
            (date(2025, 11, 12), date(2025, 11, 14)),
            (date(2025, 11, 20), None),
            (date(2025, 12, 2), None),
        ]
    ):
        Warning.objects.create(
            natural_key=f"test:{n}",
            signal="illness",
            risk="high",
            household=household,
            raised_on=date(2025, 11, 1),
            due_on=due,
            visited_on=visited,
            assigned_to=worker_a,
            area_code=household.area_code,
        )
    return {
        "a": township_a,
        "b": township_b,
        "village": worker_a.unit,
        "clerk_a": clerk_a,
        "clerk_b": clerk_b,
        "worker": worker_a,
    }


def test_each_computed_indicator_matches_the_hand_count(month):
    a, b, village = month["a"].pk, month["b"].pk, month["village"].pk
    clerk_a, clerk_b = month["clerk_a"].pk, month["clerk_b"].pk
    assert computed_figures("step_on_time_rate", NOV) == {a: (2, 3), b: (0, 1)}
    assert computed_figures("overdue_steps", NOV) == {a: (1, None), b: (2, None)}
    assert computed_figures("supervisions_received", NOV) == {a: (2, None), b: (1, None)}
    assert computed_figures("transfers_on_time_rate", NOV) == {a: (1, 2), b: (0, 1)}
    assert computed_figures("returns_for_correction", NOV) == {a: (2, None), village: (1, None)}
    assert computed_figures("audit_findings", NOV) == {a: (2, None)}
    assert computed_figures("rectification_on_time_rate", NOV) == {a: (1, 2)}
    assert computed_figures("person_step_on_time_rate", NOV) == {clerk_a: (2, 3), clerk_b: (0, 1)}
    assert computed_figures("person_late_steps", NOV) == {clerk_a: (1, None), clerk_b: (1, None)}
    assert computed_figures("warnings_visited_on_time_rate", NOV) == {month["worker"].pk: (1, 3)}


def test_scores_rank_the_townships_and_publication_freezes_the_month(month, auditor, leader_user):
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation)
    results = {r.name: r for r in evaluation.results.filter(subject_type=SubjectType.TOWNSHIP_OFFICE)}
    a, b = results["酿溪镇民政办"], results["严塘镇民政办"]
    lines_a = {line.indicator.computation or line.indicator.name: line for line in a.lines.select_related("indicator")}
    assert lines_a["step_on_time_rate"].score == Decimal("16.67")  # 25 × 2/3
    assert lines_a["overdue_steps"].score == Decimal("10.00")  # best of the two (1 against 2)
    assert lines_a["supervisions_received"].score == Decimal("0.00")  # worst (2 against 1)
    assert lines_a["日常考勤"].numerator is None and lines_a["日常考勤"].score == 0  # not entered
    assert lines_a["roll_error_rate"].score == Decimal("5.00")  # no roll line sent: no error, full marks
    assert a.rank == 1 and b.rank == 2 and a.total > b.total
    total_a = a.total
    service.publish(evaluation, user=leader_user)
    # a later correction: the late step of 酿溪镇 turns out to have been on time
    CaseStep.objects.filter(
        responsible_unit=month["a"], due_on=date(2025, 11, 10), finished_on=date(2025, 11, 12)
    ).update(finished_on=date(2025, 11, 10))
    assert computed_figures("step_on_time_rate", NOV)[month["a"].pk] == (3, 3)
    with pytest.raises(DomainError, match="已公布"):
        service.compute_month(evaluation)
    evaluation.refresh_from_db()
    a = evaluation.results.get(name="酿溪镇民政办")
    assert evaluation.state == Evaluation.State.PUBLISHED and a.total == total_a
    assert a.lines.get(indicator__computation="step_on_time_rate").numerator == 2


def test_entered_scores_count_with_their_evidence_until_the_month_is_published(month, auditor, leader_user):
    attendance = Indicator.objects.get(subject_type=SubjectType.TOWNSHIP_OFFICE, name="日常考勤")
    service.enter_score(
        user=auditor,
        indicator=attendance,
        month=NOV,
        value=Decimal(90),
        evidence="考勤表",
        unit=month["a"],
        area_code="430522000000",
    )
    evaluation = service.evaluation_for("430522000000", NOV)
    service.compute_month(evaluation)
    line = evaluation.results.get(name="酿溪镇民政办").lines.get(indicator=attendance)
    assert line.numerator == 90 and line.score == Decimal("4.50")
    service.publish(evaluation, user=leader_user)
    with pytest.raises(DomainError, match="已公布"):
        service.enter_score(
            user=auditor,
            indicator=attendance,
            month=NOV,
            value=Decimal(10),
            evidence="改",
            unit=month["a"],
            area_code="430522000000",
        )


@pytest.fixture
def leader_user(county_bureau):
    from accounts.tests.factories import StaffFactory

    return StaffFactory(username="leader", full_name="孙局长", unit=county_bureau, roles=["leader"])


def test_equal_totals_share_the_better_rank():
    from supervision.evaluation import competition_ranks

    assert competition_ranks([Decimal(80), Decimal(90), Decimal(80), Decimal(70)]) == [2, 1, 2, 4]
