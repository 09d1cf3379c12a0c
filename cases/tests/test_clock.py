"""Clocks: pauses for 补正 and public notices across National Day 2025; workflow versions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.actions import approve_step, resume_after_correction, return_for_correction
from cases.catalogue import publish_version
from cases.deadlines import step_clock
from cases.models import Case, CaseStep
from cases.services import accept_application
from cases.supervision import recompute_deadlines
from cases.tests.factories import DAY, give_documents, item
from cases.workdays import WorkCalendar
from core.errors import DomainError
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

DISABILITY_DOCS = ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
DIBAO_DOCS = ["id_card", "household_booklet", "application_form", "verification_authorization", "income_proof"]


def active(case) -> CaseStep:
    return case.steps.select_related("definition").get(state__in=["active", "correction"])


def act(user, case, on_date):
    step = active(case)
    return approve_step(user=user, step_id=step.pk, expected_version=step.row_version, on_date=on_date)


def test_correction_stops_the_clocks_and_resumes_them_extended(worker_a, clerk_a, household):
    give_documents(household, DISABILITY_DOCS)
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    act(worker_a, case, DAY)
    review = active(case)
    assert review.due_on == date(2025, 10, 13)
    return_for_correction(
        user=clerk_a,
        step_id=review.pk,
        expected_version=review.row_version,
        on_date=date(2025, 9, 29),
        reason="收入证明",
    )
    case.refresh_from_db()
    review.refresh_from_db()
    assert case.status == Case.Status.CORRECTION and review.state == CaseStep.State.CORRECTION
    # while paused the remaining days stand still, whatever the date
    frozen = step_clock(review, date(2025, 10, 20), WorkCalendar(), 2)
    assert frozen.paused and frozen.remaining == 5
    with pytest.raises(DomainError) as error:
        approve_step(user=clerk_a, step_id=review.pk, expected_version=review.row_version, on_date=date(2025, 10, 10))
    assert error.value.code == "step_conflict"
    resume_after_correction(
        user=worker_a, step_id=review.pk, expected_version=review.row_version, on_date=date(2025, 10, 10)
    )  # the applicant brought it to the village window
    review.refresh_from_db()
    case.refresh_from_db()
    # paused 29 Sep → 10 Oct: 30 Sep, 9 Oct, 10 Oct = 3 working days (1–8 Oct are off)
    assert review.due_on == date(2025, 10, 16)
    assert case.due_on == date(2025, 11, 4)
    assert case.status == Case.Status.IN_PROGRESS
    assert case.pauses.get(kind="correction").working_days == 3


def test_public_notice_runs_in_calendar_days_rolls_past_the_holiday_and_stops_the_case_clock(
    worker_a, clerk_a, reviewer_a, approver, household
):
    give_documents(household, [*DIBAO_DOCS, "bank_card"])
    start = date(2025, 9, 22)
    case = accept_application(user=worker_a, item=item("dibao"), household=household, on_date=start).case
    assert case.due_on == date(2025, 11, 7)  # 30 WD
    on = date(2025, 9, 24)
    act(worker_a, case, on)  # 受理审查 (village window)
    act(clerk_a, case, on)  # 家庭经济状况调查
    act(approver, case, on)  # 信息核对 (county)
    act(reviewer_a, case, on)  # 乡镇初审
    notice = active(case)
    assert notice.definition.kind == "notice" and notice.responsible_unit == worker_a.unit
    assert notice.due_on == date(2025, 10, 9)  # 7 days → 1 Oct (holiday) → next working day
    case.refresh_from_db()
    assert case.due_on == date(2025, 11, 17)  # extended by the 6 working days of the notice
    for too_early in (date(2025, 10, 8), date(2025, 10, 9)):  # the last day is a day of the notice
        with pytest.raises(DomainError) as error:
            act(worker_a, case, too_early)
        assert error.value.code == "notice_running"
        assert error.value.message == "公示期至2025年10月09日（含当日）届满，2025年10月10日起方可办理"
    recompute_deadlines(date(2025, 10, 10))  # the first day it may be passed is not a day late
    assert active(case).light != "red"
    act(worker_a, case, date(2025, 10, 10))
    assert active(case).name == "县级审核确认"


def test_the_notice_runs_for_the_period_the_catalogue_sets_and_a_missing_period_is_an_error(
    worker_a, clerk_a, reviewer_a, approver, household
):
    give_documents(household, [*DIBAO_DOCS, "bank_card"])
    dibao = item("dibao")
    dibao.versions.update(notice_days=10)  # a county's longer 公示期, before any case uses the version
    case = accept_application(user=worker_a, item=dibao, household=household, on_date=date(2025, 9, 22)).case
    for user in (worker_a, clerk_a, approver):
        act(user, case, date(2025, 9, 24))
    act(reviewer_a, case, date(2025, 10, 13))
    assert active(case).due_on == date(2025, 10, 23)  # 10 calendar days, not 7
    neighbour = HouseholdFactory()  # one open 低保 application per household (one intake)
    give_documents(neighbour, [*DIBAO_DOCS, "bank_card"])
    other = accept_application(user=worker_a, item=dibao, household=neighbour, on_date=date(2025, 9, 22)).case
    dibao.versions.update(notice_days=0)  # misconfigured: no silent default period
    for user in (worker_a, clerk_a, approver):
        act(user, other, date(2025, 9, 24))
    with pytest.raises(DomainError) as error:
        act(reviewer_a, other, date(2025, 10, 13))
    assert error.value.code == "notice_period_missing" and "未设定公示期天数" in error.value.message
    assert active(other).name == "乡镇初审"  # nothing half-done


def test_a_workflow_change_leaves_running_cases_on_their_version(worker_a, clerk_a, approver, household):
    give_documents(household, ["id_card", "household_booklet", "bank_card"])
    elderly = item("elderly_allowance")
    running = accept_application(user=worker_a, item=elderly, household=household, on_date=date(2025, 12, 30)).case
    v1 = running.version
    v2 = publish_version(
        elderly,
        effective_from=date(2026, 1, 1),
        total_limit_wd=8,
        steps=[
            {"code": "intake", "name": "受理", "kind": "handle", "level": "accepting", "limit": 2, "role": ""},
            {"code": "confirm", "name": "县级直接审批", "kind": "handle", "level": "county", "limit": 6, "role": ""},
        ],
    )
    # Another household: one household has one open application per programme (one intake).
    neighbour = HouseholdFactory(phone="13800000002")
    give_documents(neighbour, ["id_card", "household_booklet", "bank_card"])
    newer = accept_application(user=worker_a, item=elderly, household=neighbour, on_date=date(2026, 1, 5)).case
    assert newer.version == v2 and newer.steps.count() == 2
    assert running.version == v1 and running.steps.count() == 3
    with pytest.raises(ValidationError):  # a version in use is frozen
        step = v1.steps.first()
        step.limit_wd = 99
        step.save()
    on = date(2026, 1, 5)
    act(worker_a, running, on)
    assert active(running).name == "乡镇审核"  # still v1's step
    act(clerk_a, running, on)
    act(approver, running, on)
    running.refresh_from_db()
    assert running.status == Case.Status.APPROVED
