"""The county receives a death batch from 公安: the deceased recipient's payment stops from the next
month, the household gets a review case and a payment-after-death flag. Then a 医保 batch of large medical bills raises a warning for the
village 民生员, who visits and turns it into a temporary assistance application."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.catalogue import load_service_catalogue
from cases.models import Case
from core.months import next_month_start
from ledger.services import enrol
from monitoring.models import SignalRule, Warning
from policy.defaults import DEMO_AMOUNTS, NATIONAL_DEFAULTS
from policy.models import PolicyParameter
from policy.programmes import Programme
from registry.models import Membership
from registry.tests.factories import HouseholdFactory, PersonFactory
from tests_browser.helpers import SCREENSHOTS, login
from verification.loading import csv_bytes
from verification.models import Finding

pytestmark = pytest.mark.browser
VILLAGE = "430522100201"


def _reference_data():
    """Rows from data migrations are gone after a transactional test's flush: put them back."""
    import importlib

    rules = importlib.import_module("monitoring.migrations.0003_signal_rules_append_only").DEFAULT_RULES
    for signal, (threshold, risk, multiple, due, window) in rules.items():
        SignalRule.objects.get_or_create(
            signal=signal,
            defaults={
                "threshold": threshold,
                "risk": risk,
                "high_multiple": multiple,
                "due_days": due,
                "window_days": window,
            },
        )
    for area, values in (("", NATIONAL_DEFAULTS), ("430522000000", DEMO_AMOUNTS)):
        for key, value in values.items():
            PolicyParameter.objects.get_or_create(
                area_code=area, key=key, effective_from=date(2021, 1, 1), defaults={"value": value}
            )
    load_service_catalogue()


@pytest.fixture
def county():
    _reference_data()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    StaffFactory(username="approver_v", full_name="刘审批", unit=bureau, roles=["approver"])
    StaffFactory(username="clerk_v", full_name="李经办", unit=township, roles=["clerk"])
    worker = StaffFactory(username="worker_v", full_name="赵民生", unit=village, roles=["livelihood_worker"])
    today = timezone.localdate()
    decided = today - timedelta(days=200)
    widow = HouseholdFactory(area_code=VILLAGE, head__name="孤老汉", head__area_code=VILLAGE)
    enrol(programme=Programme.DIBAO, household=widow, monthly_amount=Decimal("600"), decided_on=decided)
    sick = HouseholdFactory(area_code=VILLAGE, head__name="病户主", head__area_code=VILLAGE)
    patient = PersonFactory(name="病妻", area_code=VILLAGE, sex="F")
    Membership.objects.create(
        household=sick, person=patient, relation="10", start_date=date(2020, 1, 1), area_code=VILLAGE
    )
    enrol(
        programme=Programme.DIBAO, household=sick, monthly_amount=Decimal("700"), decided_on=decided, covered_members=2
    )
    return {"widow": widow, "sick": sick, "patient": patient, "worker": worker, "today": today}


def upload(page, live_server, source_label: str, filename: str, content: bytes):
    page.goto(f"{live_server.url}/verification/batches/")
    page.locator("summary", has_text="上传部门数据").click()
    page.select_option("#id_source", label=source_label)
    page.set_input_files("#id_file", {"name": filename, "mimeType": "text/csv", "buffer": content})
    page.fill("#id_provider", "新邵县公安局 户政科 张警官")
    page.fill("#id_data_as_of", timezone.localdate().isoformat())
    page.get_by_test_id("upload-batch").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("已入库")


def test_death_batch_opens_a_review_and_a_medical_warning_becomes_an_application(page, live_server, county):
    widow, today = county["widow"], county["today"]
    died = today - timedelta(days=100)
    login(page, live_server, "approver_v", TEST_PASSWORD)
    content = csv_bytes(["身份证号", "姓名", "死亡日期"], [[widow.head.id_number, "孤老汉", died.isoformat()]])
    upload(page, live_server, "公安·死亡人员信息", "死亡人员.csv", content)

    page.get_by_test_id("batch-findings").click()
    table = page.get_by_test_id("finding-table")
    expect(table.locator("tr[data-kind=death]")).to_contain_text(widow.number)
    expect(table.locator("tr[data-kind=paid_after_death]")).to_contain_text("追回款项随复核办件处理")
    review = Case.objects.get(household=widow)
    assert review.item.code == "dibao_change"
    expect(table.locator("tr[data-kind=death]")).to_contain_text(review.receipt_no)
    flag = Finding.objects.get(kind=Finding.Kind.PAID_AFTER_DEATH)
    assert flag.case_id == review.pk and flag.amount > 0
    stopped = widow.enrolments.get()  # a reported death stops payment (ledger.deaths.record_death)
    assert (stopped.status, stopped.end_month) == ("stopped", next_month_start(died))
    page.screenshot(path=str(SCREENSHOTS / "verification_findings.png"), full_page=True)

    patient = county["patient"]
    bills = csv_bytes(
        ["身份证号", "姓名", "结算日期", "医疗总费用"],
        [[patient.id_number, "病妻", (today - timedelta(days=10)).isoformat(), "38000"]],
    )
    upload(page, live_server, "医保·大额医疗费用", "大额医疗.csv", bills)
    warning = Warning.objects.get(signal="illness")
    assert (warning.assigned_to, warning.stage) == (county["worker"], "assigned")
    page.locator("form[action$='/accounts/logout/'] button").click()

    login(page, live_server, "worker_v", TEST_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_test_id("warning-link").filter(has_text="大额医疗费用").click()
    expect(page.get_by_test_id("warning-stage")).to_have_text("待走访")
    page.fill("#visit-note", "病妻住院化疗，自付部分家庭无力承担")
    page.get_by_test_id("record-visit").click()
    expect(page.get_by_test_id("warning-stage")).to_have_text("已走访")
    # 支出型 is means-tested: it needs the signed authorisation only the assistance desk records
    page.select_option("#apply-item", "temp_expense")
    page.get_by_test_id("open-application").click()
    expect(page.locator("main")).to_contain_text("社会救助受理")
    expect(page.get_by_test_id("warning-stage")).to_have_text("已走访")
    # 急难型 help is taken in at once, as an assistance application
    page.select_option("#apply-item", "temp_emergency")
    page.get_by_test_id("open-application").click()
    expect(page.get_by_test_id("warning-stage")).to_have_text("已转申请")
    application = Case.objects.get(household=county["sick"])
    assert application.item.code == "temp_emergency"
    expect(page.get_by_test_id("warning-case")).to_contain_text(application.receipt_no)
    expect(page.get_by_test_id("warning-events")).to_contain_text("已受理")
    page.screenshot(path=str(SCREENSHOTS / "verification_warning_applied.png"), full_page=True)
