"""Lights, overdue → automatic 督办 → escalation, idempotent daily job, manual 督办, the board."""

from datetime import date

import pytest

from cases.actions import approve_step
from cases.models import CaseStep, Notification, Supervision
from cases.services import accept_application
from cases.supervision import board, issue_supervision, recompute_deadlines
from cases.tests.factories import DAY, give_documents, item
from core.errors import DomainError

pytestmark = pytest.mark.django_db

DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]


@pytest.fixture
def case(worker_a, household):
    give_documents(household, DOCS)
    return accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case


def intake(case) -> CaseStep:
    return case.steps.get(order=1)


def snapshot():
    return (
        list(CaseStep.objects.values_list("pk", "light")),
        list(Supervision.objects.values_list("pk", "level")),
        Notification.objects.count(),
    )


def test_overdue_step_is_supervised_then_escalated_and_the_job_is_idempotent(case, worker_a, township_a, county_bureau):
    assert intake(case).due_on == date(2025, 9, 30)
    recompute_deadlines(date(2025, 9, 26))
    assert intake(case).light == "green"  # 3 working days left: Sun 28 (调休), Mon 29, Tue 30
    recompute_deadlines(date(2025, 9, 28))
    assert intake(case).light == "yellow" and not Supervision.objects.exists()  # ≤ 2 left

    result = recompute_deadlines(date(2025, 10, 9))  # first working day after the holiday: overdue
    assert result["raised"] == 1
    first = Supervision.objects.get()
    assert (first.kind, first.level) == ("auto", 1)
    assert first.target_unit == worker_a.unit and first.superior_unit == township_a
    assert "1个工作日" in first.reason
    assert set(Notification.objects.values_list("unit", flat=True)) == {worker_a.unit.pk, township_a.pk}
    assert intake(case).light == "red"
    assert case.events.filter(kind="supervised").count() == 1

    before = snapshot()
    assert recompute_deadlines(date(2025, 10, 9)) == {
        "lights": {"red": 0, "yellow": 0, "green": 0, "paused": 0},
        "raised": 0,
        "raised_transfers": 0,
        "escalated": 0,
    }
    assert snapshot() == before

    assert recompute_deadlines(date(2025, 10, 11))["escalated"] == 0  # 2 WD after the 督办: not yet
    assert recompute_deadlines(date(2025, 10, 13))["escalated"] == 1  # 3 WD (configurable) later
    second = Supervision.objects.get(level=2)
    assert second.superior_unit == county_bureau
    assert recompute_deadlines(date(2025, 10, 13))["escalated"] == 0

    step = intake(case)
    approve_step(user=worker_a, step_id=step.pk, expected_version=step.row_version, on_date=date(2025, 10, 14))
    assert not Supervision.objects.filter(closed_on__isnull=True).exists()


def test_thresholds_are_data(case):
    from cases.models import SupervisionPolicy

    SupervisionPolicy.objects.create(effective_from=date(2025, 9, 1), warn_working_days=3, escalate_after_wd=1)
    recompute_deadlines(date(2025, 9, 26))
    assert intake(case).light == "yellow"


def test_manual_supervision_by_a_leader(case, leader, clerk_a, worker_a, township_a):
    with pytest.raises(DomainError) as error:
        issue_supervision(user=clerk_a, case=case, on_date=DAY, due_on=date(2025, 9, 30), reason="加快")
    assert error.value.code == "no_permission"
    supervision = issue_supervision(
        user=leader, case=case, on_date=DAY, due_on=date(2025, 9, 29), reason="群众反映，请加快"
    )
    assert supervision.kind == "manual" and supervision.target_unit == worker_a.unit
    assert Notification.objects.filter(unit=township_a, supervision=supervision).exists()
    rows = {r["responsible_unit"]: r for r in board(date(2025, 10, 9))}
    assert rows[worker_a.unit.pk]["red"] == 1 and rows[worker_a.unit.pk]["supervisions"] == 1


def test_daily_job_runs_as_a_background_job(case, django_capture_on_commit_callbacks):
    from jobs.models import Job
    from jobs.services import start_job

    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("cases.recompute_deadlines", "时限", user=None, area_code="", params={"on_date": "2025-10-09"})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["raised"] == 1


def test_daily_command_inline(case):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("cases_daily", "--date", "2025-10-09", "--inline", stdout=out)
    assert "'raised': 1" in out.getvalue()
    call_command("cases_daily", "--date", "2025-10-09", "--inline", stdout=out)
    assert Supervision.objects.count() == 1


def test_a_transfer_unanswered_past_its_deadline_is_supervised(
    case, worker_a, clerk_a, cl_officer, disabled_federation
):
    from areas.jurisdiction import scope_for_user, within
    from cases.transfers import reply_transfer, transfer_case

    step = intake(case)
    approve_step(user=worker_a, step_id=step.pk, expected_version=step.row_version, on_date=DAY)
    review = case.steps.get(order=2)
    transfer = transfer_case(
        user=clerk_a,
        step_id=review.pk,
        expected_version=review.row_version,
        to_unit=disabled_federation,
        request="请核实残疾等级",
        on_date=date(2025, 9, 29),
        limit_wd=1,
    )
    assert transfer.due_on == date(2025, 9, 30)

    result = recompute_deadlines(date(2025, 10, 9))
    assert (result["raised"], result["raised_transfers"]) == (0, 1)  # the step itself is still in time
    supervision = Supervision.objects.get()
    assert (supervision.kind, supervision.level, supervision.transfer) == ("transfer", 1, transfer)
    assert supervision.target_unit == disabled_federation and "转办答复已超过期限（2025-09-30）" in supervision.reason
    assert Notification.objects.filter(unit=disabled_federation, supervision=supervision).exists()
    assert case.events.filter(kind="supervised", text__startswith="系统自动督办").count() == 1

    before = snapshot()
    assert recompute_deadlines(date(2025, 10, 9))["raised_transfers"] == 0
    assert snapshot() == before
    assert recompute_deadlines(date(2025, 10, 13))["escalated"] == 1  # 3 WD later, still unanswered
    assert Supervision.objects.filter(transfer=transfer, level=2).exists()

    with within(scope_for_user(cl_officer)):
        reply_transfer(user=cl_officer, transfer_id=transfer.pk, on_date=date(2025, 10, 13), reply="经核实为肢体二级")
    assert not Supervision.objects.filter(closed_on__isnull=True).exists()
    rows = {r["responsible_unit"]: r for r in board(date(2025, 10, 13))}
    assert disabled_federation.pk not in rows or rows[disabled_federation.pk]["supervisions"] == 0


def test_the_daily_run_costs_the_same_however_many_escalated_supervisions_stay_open(
    worker_a, township_a, county_bureau
):
    """A 督办 raised to the next level stays open beneath it; the daily run leaves it out in its query
    instead of asking about each one: one escalated case or three, the same statements — and the
    same escalations as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.tests.factories import HouseholdFactory

    def escalated_cases(count: int) -> None:
        for _ in range(count):
            home = HouseholdFactory()
            give_documents(home, DOCS)
            accept_application(user=worker_a, item=item("disability_living"), household=home, on_date=DAY)
        assert recompute_deadlines(date(2025, 10, 9))["raised"] == count
        assert recompute_deadlines(date(2025, 10, 13))["escalated"] == count

    def statements_of_a_quiet_day() -> int:
        with CaptureQueriesContext(connection) as run:
            assert recompute_deadlines(date(2025, 10, 14))["escalated"] == 0  # level 2 not due yet
        return len(run.captured_queries)

    escalated_cases(1)
    one = statements_of_a_quiet_day()
    escalated_cases(2)
    assert Supervision.objects.filter(level=1, closed_on__isnull=True).count() == 3
    assert statements_of_a_quiet_day() == one
