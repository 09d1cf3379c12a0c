"""Children's welfare and the medical-assistance exchange in a real browser (issue 22 §3, §5):

- a 困境儿童's visit is overdue and shows on the 儿童主任's home; she records the visit on a phone;
- a mandatory report is filed and shows at the township with its deadline;
- the county generates the file for the 医保局 and imports the bureau's paid file, which then shows
  in the household's history.
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.tests.factories import restore_reference_data
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
PHONE = {"width": 375, "height": 740}
WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def county():
    from policy.demo import load_demo_policy
    from policy.tests.factories import restore_national_defaults

    restore_reference_data()
    restore_national_defaults()
    load_demo_policy()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    return {
        "director": StaffFactory(username="et_yang", full_name="杨桂兰", unit=village, roles=["children_director"]),
        "clerk": StaffFactory(username="jb_zhang", full_name="张丽娟", unit=township, roles=["clerk"]),
        "approver": StaffFactory(username="sp_chen", full_name="陈明辉", unit=bureau, roles=["approver"]),
    }


def _child(director, days_ago=10):
    from areas.jurisdiction import scope_for_user, within
    from children import services
    from registry.tests.factories import HouseholdFactory

    household = HouseholdFactory(head__name="刘小雨", head__birth_date=date(2016, 3, 8), head__sex="F")
    with within(scope_for_user(director)):
        return services.record_child(
            person=household.head,
            category="guardianship",
            risk="high",
            director=director,
            on_date=timezone.localdate() - timedelta(days=days_ago),
            user=director,
        )


def test_an_overdue_visit_shows_on_the_directors_home_and_is_recorded_on_a_phone(browser, live_server, county):
    child = _child(county["director"])
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server, "et_yang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/")
    card = page.locator(".card", has_text="我的困境儿童走访").first
    expect(card).to_contain_text("走访已超期")
    expect(card).to_contain_text("刘*雨")
    assert page.evaluate(WIDTH)
    page.goto(f"{live_server.url}/children/{child.pk}/visit/")
    assert page.evaluate(WIDTH)
    page.fill("#living", "祖母照料，吃住正常")
    page.select_option("#risk_after", "medium")
    with page.expect_navigation():
        page.get_by_role("button", name="提交走访记录").click()
    expect(page.get_by_test_id("next-visit")).to_contain_text((timezone.localdate() + timedelta(days=15)).isoformat())
    page.screenshot(path=str(SCREENSHOTS / "children_visit_phone.png"), full_page=True)
    context.close()
    assert not blocked, blocked


def test_a_mandatory_report_shows_at_the_township_with_its_deadline(page, live_server, county):
    child = _child(county["director"], days_ago=1)
    login(page, live_server, "et_yang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="强制报告").first.click()
    discovered = timezone.localtime() - timedelta(hours=1)
    page.select_option("#kind", "abuse")
    page.fill("#discovered_at", discovered.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#place", "城西社区刘家")
    page.fill("#description", "孩子手臂有多处淤青，自述被打")
    with page.expect_navigation():
        page.get_by_role("button", name="提交强制报告").click()
    deadline = (discovered + timedelta(hours=24)).strftime("%Y-%m-%d %H:%M")
    expect(page.get_by_test_id("report-deadline")).to_contain_text(deadline)
    page.context.clear_cookies()
    login(page, live_server, "jb_zhang", TEST_PASSWORD)
    expect(page.locator(".card", has_text="强制报告").first).to_contain_text("限时报告中")
    page.goto(f"{live_server.url}/children/reports/")
    expect(page.get_by_test_id("report-deadline").first).to_contain_text(deadline)
    page.get_by_role("link", name="刘*雨 · 遭受或疑似遭受侵害、虐待").click()
    page.fill("#action", "已会同派出所核实，儿童临时安置到外祖母家")
    with page.expect_navigation():
        page.get_by_role("button", name="确认接报").click()
    expect(page.get_by_test_id("township-done")).to_contain_text("张丽娟接报")
    page.screenshot(path=str(SCREENSHOTS / "children_report_township.png"), full_page=True)


def test_the_medical_file_is_generated_and_the_paid_file_shows_in_the_household_history(page, live_server, county):
    from ledger.models import Enrolment
    from registry.tests.factories import HouseholdFactory

    household = HouseholdFactory(head__name="王低保")
    Enrolment.objects.create(
        programme="dibao",
        household=household,
        area_code=household.area_code,
        monthly_amount=Decimal("470"),
        start_month=date(2025, 1, 1),
        last_reviewed_on=date(2025, 1, 1),
    )
    login(page, live_server, "sp_chen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/medical/")
    with page.expect_navigation():
        page.get_by_role("button", name="生成月度全量文件").click()
    page.goto(f"{live_server.url}/medical/")
    row = page.get_by_test_id("exchange-file").first
    expect(row).to_contain_text("月度全量")
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert household.head.id_number in text and "最低生活保障对象" in text
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            [
                "公民身份号码",
                "姓名",
                "结算单号",
                "结算日期",
                "医疗机构名称",
                "医疗费用总额",
                "统筹基金支付",
                "医疗救助基金支付",
                "个人负担",
            ],
            [
                household.head.id_number,
                "王低保",
                "YB0001",
                "2026-01-05",
                "新邵县人民医院",
                "12000",
                "7000",
                "3500",
                "1500",
            ],
        ]
    )
    page.goto(f"{live_server.url}/medical/import/")
    page.set_input_files(
        "#file", files=[{"name": "支付明细.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode("utf-8-sig")}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("payment-row").first).to_contain_text("3500.00")
    with page.expect_navigation():
        page.get_by_test_id("payment-row").first.get_by_role("link").click()
    expect(page.locator("body")).to_contain_text("医疗救助3500.00元（医保局结算）")
    page.screenshot(path=str(SCREENSHOTS / "medical_household_history.png"), full_page=True)
