"""Disaster relief in a real browser (issue 22 §4):

- a flood is declared by the county and reported by two villages — one within the hour, one late,
  from a phone — the township checks and forwards both, and the county sees the summary with the
  late village marked and the forwarded figures added up;
- quilts are received into the county store, issued to 30 households each signing on the screen,
  and the stock balances (on hand = received − issued = the ledger's sum).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from areas.jurisdiction import scope_for_user, system_scope, within
from cases.tests.factories import restore_reference_data
from registry.tests.factories import HouseholdFactory
from relief import reporting
from relief.models import DisasterEvent, LossReport, Stage, StockItem, StockMovement
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE_A, VILLAGE_B = "430522100201", "430522100202"
PHONE = {"width": 375, "height": 740}
WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def county():
    from policy.tests.factories import local_amounts

    restore_reference_data()
    local_amounts()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE_A, "城西社区")
    ensure_area(VILLAGE_B, "城东社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    village_a = UnitFactory(
        name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_A, parent=township
    )
    village_b = UnitFactory(
        name="城东社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE_B, parent=township
    )
    return {
        "approver": StaffFactory(username="sp_chen", full_name="陈审批", unit=bureau, roles=["approver"]),
        "clerk": StaffFactory(username="jb_li", full_name="李经办", unit=township, roles=["clerk"]),
        "worker_a": StaffFactory(username="ms_a", full_name="赵民生", unit=village_a, roles=["livelihood_worker"]),
        "worker_b": StaffFactory(username="ms_b", full_name="钱民生", unit=village_b, roles=["livelihood_worker"]),
    }


def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_a_flood_reported_by_two_villages_one_late_and_the_county_summary(browser, page, live_server, county):
    # the county declares the flood, two hours after it started
    login(page, live_server, "sp_chen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/relief/")
    started = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = page.get_by_test_id("event-form")
    form.get_by_label("灾害名称").fill("7月强降雨洪涝")
    form.get_by_label("灾害种类").select_option(label="洪涝")
    form.get_by_label("发生时间").fill(started)
    form.get_by_label("受灾乡镇或村").select_option([VILLAGE_A, VILLAGE_B])
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("7月强降雨洪涝")
    with system_scope():
        event = DisasterEvent.objects.get()
    # village A had reported within the hour (phoned in from the field, 40 minutes after the start)
    with within(scope_for_user(county["worker_a"])):
        reporting.submit_report(
            user=county["worker_a"], event=event, village_code=VILLAGE_A, stage=Stage.INITIAL,
            figures={"affected_people": 320, "relocated_people": 45, "houses_collapsed": 2, "direct_loss": "86.3"},
            now=event.started_at + timedelta(minutes=40),
        )  # fmt: skip

    # village B reports now, on a phone: late
    mobile = phone(browser)
    login(mobile, live_server, "ms_b", TEST_PASSWORD)
    mobile.goto(f"{live_server.url}/relief/events/{event.pk}/report/")
    assert mobile.evaluate(WIDTH), "报灾页面在手机上横向滚动"
    report = mobile.get_by_test_id("report-form")
    report.get_by_label("报送阶段").select_option("initial")
    report.get_by_label("受灾人口（人）").fill("110")
    report.get_by_label("紧急转移安置（人）").fill("12")
    report.get_by_label("倒塌房屋（间）").fill("1")
    report.get_by_label("直接经济损失（万元）").fill("21.5")
    with mobile.expect_navigation():
        report.locator("button[type=submit]").click()
    expect(mobile.locator(".alert-success")).to_contain_text("已报送初报")
    expect(mobile.locator(".alert-success")).to_contain_text("已超过报送时限")
    mobile.screenshot(path=str(SCREENSHOTS / "relief_village_report_phone.png"), full_page=True)
    mobile.context.close()

    # the township checks and forwards both
    township = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    login(township, live_server, "jb_li", TEST_PASSWORD)
    township.goto(f"{live_server.url}/relief/events/{event.pk}/")
    expect(township.get_by_test_id("pending-report")).to_have_count(2)
    for _ in range(2):
        with township.expect_navigation():
            township.get_by_test_id("pending-report").first.get_by_role("button", name="核查无误，上报").click()
    expect(township.get_by_test_id("pending-report")).to_have_count(0)
    township.context.close()

    # the county's summary: village B late, the forwarded figures added up
    page.goto(f"{live_server.url}/relief/events/{event.pk}/")
    rows = page.get_by_test_id("village-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="城西社区")).to_contain_text("按时报送")
    expect(rows.filter(has_text="城东社区")).to_contain_text("迟报")
    expect(page.get_by_test_id("late-count")).to_have_text("1")
    totals = page.get_by_test_id("totals")
    expect(totals.locator("tr", has_text="受灾人口")).to_contain_text("430")
    expect(totals.locator("tr", has_text="倒塌房屋")).to_contain_text("3")
    page.screenshot(path=str(SCREENSHOTS / "relief_county_summary.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出汇总表").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with system_scope():
        assert LossReport.objects.filter(status=LossReport.Status.FORWARDED).count() == 2


def sign(page):
    pad = page.get_by_test_id("signature-pad")
    box = pad.bounding_box()
    x, y = box["x"] + 20, box["y"] + 40
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(x + step * 25, y + (step % 2) * 40)
    page.mouse.up()


def test_quilts_received_issued_to_30_households_with_signatures_and_the_stock_balances(page, live_server, county):
    with system_scope():
        households = [HouseholdFactory(area_code=VILLAGE_A) for _ in range(30)]
    login(page, live_server, "jb_li", TEST_PASSWORD)
    page.goto(f"{live_server.url}/relief/stock/")
    page.get_by_placeholder("如：酿溪镇救灾物资储备点").fill("酿溪镇救灾物资储备点")
    with page.expect_navigation():
        page.get_by_role("button", name="新建").click()
    receive = page.get_by_test_id("receive-form")
    receive.get_by_label("仓库").select_option(label="酿溪镇救灾物资储备点")
    receive.get_by_label("物资").select_option(label="棉被")
    receive.get_by_label("数量").fill("100")
    receive.get_by_label("调拨单或凭证号").fill("邵民调〔2026〕12号")
    with page.expect_navigation():
        receive.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已入库100床棉被")

    page.goto(f"{live_server.url}/relief/stock/issue/")
    # The first three at the distribution point's screen, each signed on the pad ...
    for index, household in enumerate(households[:3]):
        form = page.get_by_test_id("issue-form")
        if index == 0:
            form.get_by_label("出库仓库").select_option(label="酿溪镇救灾物资储备点")
        form.get_by_label("户编号").fill(household.number)
        form.get_by_label("物资").select_option(label="棉被")
        form.get_by_label("数量").fill("2")
        form.get_by_label("签收人").fill(f"户主{index}")
        sign(page)
        if index == 2:
            signed = page.get_by_test_id("signature-pad").evaluate("pad => pad.toDataURL('image/png')")
            store = form.get_by_label("出库仓库").input_value()
            material = form.get_by_label("物资").input_value()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_contain_text(f"户{household.number}")
    # ... the other 27 as the same form sends them, from the same signed-in screen (a signature each).
    for index, household in enumerate(households[3:], start=3):
        answer = page.request.post(
            f"{live_server.url}/relief/stock/issue/",
            form={
                "csrfmiddlewaretoken": page.locator("input[name=csrfmiddlewaretoken]").first.input_value(),
                "key": f"quilt-{index}",
                "store": store,
                "household": household.number,
                "material": material,
                "quantity": "2" if index < 10 else "1",
                "purpose": "受灾群众生活救助",
                "signer_name": f"户主{index}",
                "signature": signed,
            },
        )
        assert answer.ok and f"户{household.number}" in answer.text()

    # a household without a signature gets nothing
    form = page.get_by_test_id("issue-form")
    form.get_by_label("户编号").fill(households[0].number)
    form.get_by_label("物资").select_option(label="棉被")
    form.get_by_label("签收人").fill("无签名")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("签名")

    page.goto(f"{live_server.url}/relief/stock/")
    row = page.get_by_test_id("balance-quilt")
    expect(row.get_by_test_id("on-hand")).to_have_text("60床")  # 100 − 10×2 − 20×1
    expect(row).to_contain_text("相符")
    page.screenshot(path=str(SCREENSHOTS / "relief_stock_balances.png"), full_page=True)
    with system_scope():
        item = StockItem.objects.get(material="quilt")
        assert item.on_hand == 60
        issued = StockMovement.objects.filter(item=item, kind="issued")
        assert issued.count() == 30
        assert all(m.receipt.signature for m in issued.select_related("receipt"))
        assert sum(StockMovement.objects.filter(item=item).values_list("quantity", flat=True)) == 60
