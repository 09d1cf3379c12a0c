"""Villages report losses within the time limits; the township checks and forwards; the county sees
what is late and the summary of what was forwarded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from core.errors import DomainError
from relief import reporting
from relief.models import LossReport, Stage
from relief.tests.conftest import VILLAGE_B

pytestmark = pytest.mark.django_db


def report(user, event, village, minutes_after, **figures):
    with within(scope_for_user(user)):
        return reporting.submit_report(
            user=user, event=event, village_code=village, stage=Stage.INITIAL,
            figures={"affected_people": 100, **figures}, now=event.started_at + timedelta(minutes=minutes_after),
        )  # fmt: skip


def test_a_report_after_the_hour_is_late_and_one_before_is_not(flood, worker_a, worker_b):
    on_time = report(worker_a, flood, worker_a.area_code, 40)
    late = report(worker_b, flood, VILLAGE_B, 150)
    assert not on_time.late and late.late
    assert on_time.due_at == flood.started_at + timedelta(hours=1)
    assert on_time.check_due_at == flood.started_at + timedelta(minutes=90)


def test_a_village_reports_only_for_itself_and_only_when_hit(flood, worker_a, villages):
    with pytest.raises(DomainError) as error:
        report(worker_a, flood, VILLAGE_B, 10)
    assert error.value.code == "out_of_area"


def test_figures_that_contradict_each_other_are_refused(flood, worker_a):
    with pytest.raises(DomainError) as error:
        report(worker_a, flood, worker_a.area_code, 10, relocated_people=500)
    assert "不能多于" in error.value.message


def test_the_county_summary_counts_only_what_the_township_forwarded(flood, worker_a, worker_b, clerk_a, approver):
    a = report(worker_a, flood, worker_a.area_code, 30, houses_collapsed=2)
    report(worker_b, flood, VILLAGE_B, 150, houses_collapsed=7)
    with within(scope_for_user(clerk_a)):
        reporting.check_report(user=clerk_a, report=a, forward=True, now=flood.started_at + timedelta(minutes=80))
    with within(scope_for_user(approver)):
        summary = reporting.summary(flood)
    assert summary.totals["affected_people"] == 100
    assert summary.totals["houses_collapsed"] == 2
    assert summary.pending == 1
    assert summary.late == 1
    rows = {row.area.code: row for row in summary.rows}
    assert "按时报送" in rows[worker_a.area_code].states[0].text
    assert "迟报" in rows[VILLAGE_B].states[0].text


def test_a_village_that_never_reported_shows_as_overdue(flood, worker_a, approver):
    report(worker_a, flood, worker_a.area_code, 30)
    with within(scope_for_user(approver)):
        summary = reporting.summary(flood)
    rows = {row.area.code: row for row in summary.rows}
    assert "逾期未报" in rows[VILLAGE_B].states[0].text
    assert summary.missing == 1


def test_a_return_needs_a_reason_and_a_report_is_checked_once(flood, worker_a, clerk_a):
    a = report(worker_a, flood, worker_a.area_code, 30)
    with within(scope_for_user(clerk_a)):
        with pytest.raises(DomainError):
            reporting.check_report(user=clerk_a, report=a, forward=False, note="")
        reporting.check_report(user=clerk_a, report=a, forward=False, note="倒房数与现场不符")
    with within(scope_for_user(clerk_a)), pytest.raises(DomainError) as error:
        reporting.check_report(user=clerk_a, report=a, forward=True)
    assert error.value.code == "relief_already_checked"
    assert LossReport.objects.get(pk=a.pk).status == LossReport.Status.RETURNED


def test_final_reports_wait_for_the_stable_date(flood, worker_a, approver):
    with within(scope_for_user(worker_a)), pytest.raises(DomainError) as error:
        reporting.submit_report(
            user=worker_a, event=flood, village_code=worker_a.area_code, stage=Stage.FINAL, figures={}
        )
    assert error.value.code == "relief_not_stable"
    reporting.mark_stable(flood, stable_on=timezone.localdate(), user=approver)
    with within(scope_for_user(worker_a)):
        final = reporting.submit_report(
            user=worker_a, event=flood, village_code=worker_a.area_code, stage=Stage.FINAL, figures={}
        )
    assert final.due_at.date() > timezone.localdate() - timedelta(days=1)
