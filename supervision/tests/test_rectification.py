"""A finding opens a rectification for the township, due on the working-day calendar; the township
reports its fix, the auditor signs it off; overdue ones escalate like 督办; accountability links findings."""

from datetime import date

import pytest

from cases.models import Notification
from cases.workdays import WorkCalendar
from core.errors import DomainError
from supervision import rectifications as service
from supervision.models import Accountability, Rectification, Sample, SampleItem
from supervision.sampling import draw_sample
from supervision.tests.factories import VILLAGE_A, enrolments

pytestmark = pytest.mark.django_db

DAY = date(2025, 11, 20)
ALL_YES = dict.fromkeys(SampleItem.CHECKS, True)


@pytest.fixture
def item(auditor, township_a):
    enrolments(VILLAGE_A, "dibao", 3)
    sample = draw_sample(
        user=auditor,
        name="抽查",
        target=Sample.Target.ENROLMENT,
        seed=1,
        on_date=DAY,
        area_code=auditor.area_code,
        count=3,
    )
    return sample.items.first()


def test_a_no_on_the_form_is_a_finding_with_a_rectification_for_the_township(item, auditor, township_a):
    findings = service.record_check(
        item, user=auditor, on_date=DAY, answers={**ALL_YES, "amount_right": False}, note="多发100元"
    )
    (finding,) = findings
    assert finding.kind == "amount_right" and finding.responsible_unit == township_a
    rect = finding.rectification
    assert rect.state == Rectification.State.OPEN
    assert rect.due_on == WorkCalendar().add_working_days(DAY, 15)  # the default period, 15 working days
    assert Notification.objects.filter(unit=township_a, text__contains="多发100元").exists()
    item.refresh_from_db()
    assert item.result == SampleItem.Result.PROBLEM and item.amount_right is False
    with pytest.raises(DomainError, match="已核查"):
        service.record_check(item, user=auditor, on_date=DAY, answers=ALL_YES)


def test_a_problem_must_be_described_and_a_clean_check_opens_nothing(item, auditor):
    with pytest.raises(DomainError, match="写明问题"):
        service.record_check(item, user=auditor, on_date=DAY, answers={**ALL_YES, "notice_held": False})
    assert service.record_check(item, user=auditor, on_date=DAY, answers=ALL_YES) == []
    item.refresh_from_db()
    assert item.result == SampleItem.Result.PASSED


def test_the_township_fixes_and_the_auditor_signs_off(item, auditor, clerk_a, clerk_b):
    (finding,) = service.record_check(
        item, user=auditor, on_date=DAY, answers={**ALL_YES, "documents_complete": False}, note="缺收入证明"
    )
    rect = finding.rectification
    with pytest.raises(DomainError, match="尚未报送"):
        service.sign_off(rect, user=auditor, on_date=DAY, accept=True)
    with pytest.raises(DomainError, match="责任单位"):
        service.submit_fix(rect, user=clerk_b, on_date=DAY, evidence="已补")
    with pytest.raises(DomainError, match="整改情况"):
        service.submit_fix(rect, user=clerk_a, on_date=DAY, evidence=" ")
    service.submit_fix(rect, user=clerk_a, on_date=date(2025, 11, 25), evidence="已补齐收入证明")
    with pytest.raises(DomainError, match="理由"):
        service.sign_off(rect, user=auditor, on_date=DAY, accept=False)
    service.sign_off(rect, user=auditor, on_date=date(2025, 11, 26), accept=False, note="证明未盖章")
    rect.refresh_from_db()
    assert rect.state == Rectification.State.OPEN and rect.review_note == "证明未盖章"
    service.submit_fix(rect, user=clerk_a, on_date=date(2025, 11, 27), evidence="已补盖章")
    with pytest.raises(DomainError, match="稽查人员"):
        service.sign_off(rect, user=clerk_a, on_date=DAY, accept=True)
    service.sign_off(rect, user=auditor, on_date=date(2025, 11, 28), accept=True)
    rect.refresh_from_db()
    assert rect.state == Rectification.State.SIGNED_OFF and rect.signed_off_by == auditor


def test_overdue_rectifications_escalate_one_level_at_a_time_once_a_day(item, auditor, township_a, county_bureau):
    (finding,) = service.record_check(
        item, user=auditor, on_date=DAY, answers={**ALL_YES, "survey_real": False}, note="未入户"
    )
    rect = finding.rectification
    calendar = WorkCalendar()
    first_late = calendar.add_working_days(rect.due_on, 1)
    assert service.escalate_overdue(rect.due_on) == {"督办升级": 0}
    assert service.escalate_overdue(first_late) == {"督办升级": 1}
    assert service.escalate_overdue(first_late) == {"督办升级": 0}
    rect.refresh_from_db()
    assert rect.escalation_level == 1 and rect.escalated_on == first_late
    assert Notification.objects.filter(unit=county_bureau, text__contains="整改督办（1级）").exists()
    later = calendar.add_working_days(first_late, 3)
    service.escalate_overdue(later)
    rect.refresh_from_db()
    assert rect.escalation_level == 2
    assert service.overdue_rows(later)[0]["count"] == 1


def test_accountability_names_the_findings_it_follows(item, auditor, township_a):
    findings = service.record_check(
        item, user=auditor, on_date=DAY, answers={**ALL_YES, "right_account": False, "notice_held": False}, note="代领"
    )
    record = service.record_accountability(
        user=auditor,
        measure=Accountability.Measure.TALK,
        unit=township_a,
        person_name="王某",
        findings=findings,
        decided_on=DAY,
        reason="未核实代领",
    )
    assert set(record.findings.all()) == set(findings) and str(record) == "谈话提醒：王某"
    with pytest.raises(DomainError, match="相关"):
        service.record_accountability(
            user=auditor, measure="talk", unit=township_a, findings=[], decided_on=DAY, reason="x"
        )


def test_the_daily_escalation_and_the_board_column_are_registered():
    from cases.hooks import overdue_work
    from jobs.periodic import periodic

    assert periodic("supervision.escalate_rectifications").run is service.escalate_overdue
    assert "稽查整改超期" in [source.label for source in overdue_work()]
