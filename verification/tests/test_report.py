"""核对报告: authorisation required; every member against every source; limits; PDF; 复查."""

import pytest

from core.errors import DomainError
from registry.models import Document, DocumentType
from verification.models import ReportLine
from verification.pdf import USE_NOTICE, report_pdf
from verification.report import record_recheck, request_recheck, verify_household
from verification.tests.factories import DAY, family, load

pytestmark = pytest.mark.django_db


def authorisation(household):
    doc_type, _ = DocumentType.objects.get_or_create(
        code="verification_authorization", defaults={"name": "核对授权书", "holder": DocumentType.Holder.HOUSEHOLD}
    )
    return Document.objects.create(doc_type=doc_type, household=household, area_code=household.area_code)


def test_no_authorisation_no_verification(approver):
    household = family({"name": "王大"})
    with pytest.raises(DomainError) as error:
        verify_household(user=approver, household=household, authorisation=None, programme="低保", on_date=DAY)
    assert error.value.code == "no_authorisation"


def test_report_lists_each_result_with_source_batch_and_limit_and_hides_deposit_amounts(approver):
    household = family({"name": "钱多"}, {"name": "钱妻"})
    head = household.head.id_number
    car = load(
        "vehicle", ["所有人身份证号", "姓名", "号牌号码", "初次登记日期"], [[head, "钱多", "湘E88888", "2024-05-01"]]
    )
    load("deposit", ["身份证号", "姓名", "查询日期", "金融资产余额"], [[head, "钱多", "2025-08-31", "98765.43"]])
    report = verify_household(
        user=approver,
        household=household,
        authorisation=authorisation(household),
        programme="最低生活保障",
        on_date=DAY,
    )
    line = report.lines.get(source="vehicle")
    assert (line.batch, line.breach, line.threshold) == (car, True, "机动车上限0辆")
    assert report.summary["deposit_over"] is True  # 98,765 > 470 × 24 × 2
    assert not report.lines.filter(source="deposit").exists()
    assert len(report.members) == 2 and report.members[0]["id"].count("*") == 8
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert USE_NOTICE == "仅供社会救助审核使用"

    request_recheck(line, user=approver, reason="车辆已于2024年转让")
    with pytest.raises(DomainError):
        request_recheck(line, user=approver, reason="再次")
    line = record_recheck(line, user=approver, corrected=True, outcome="车管所复查：已过户他人")
    assert (line.recheck, line.breach) == (ReportLine.Recheck.CORRECTED, False)


def test_report_for_an_application_is_written_on_the_case_timeline(approver, clerk_a):
    from cases.models import CaseEvent
    from ledger.reviews import open_review_case

    household = family({"name": "车主"})
    load(
        "vehicle",
        ["所有人身份证号", "姓名", "号牌号码", "初次登记日期"],
        [[household.head.id_number, "车主", "湘E12345", "2025-03-01"]],
    )
    opened = open_review_case(household, reason="核对", on_date=DAY, user=clerk_a)
    case = opened.case
    assert case is not None, opened.note
    report = verify_household(
        user=approver,
        household=household,
        authorisation=authorisation(household),
        programme="最低生活保障",
        on_date=DAY,
        case=case,
    )
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE, data__verification_report=report.pk)
    assert note.text.startswith(f"信息核对报告{report.number}：")
    assert "湘E12345" in note.text and "机动车上限0辆" in note.text
    assert note.actor == approver
