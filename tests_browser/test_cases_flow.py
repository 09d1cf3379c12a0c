"""一门受理 end to end in a real browser: a 民生员 accepts a disability living subsidy on behalf of a
resident whose disability certificate is missing, prints the one-time notice, collects the
certificate, and the case flows village → township (transfer to 残联 and back) → county; the
window replies once and the resident follows progress on the public page."""

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.models import Case
from cases.tests.factories import give_documents, restore_reference_data
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"


@pytest.fixture
def county():
    restore_reference_data()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    federation = UnitFactory(
        name="新邵县残疾人联合会",
        kind=Unit.Kind.DEPARTMENT,
        department=Unit.Department.DISABLED_FEDERATION,
        area_code="430522000000",
    )
    StaffFactory(username="ms_zhao", full_name="赵民生", unit=village, roles=["livelihood_worker"])
    StaffFactory(username="jb_li", full_name="李经办", unit=township, roles=["clerk"])
    StaffFactory(username="sp_liu", full_name="刘审批", unit=bureau, roles=["approver"])
    StaffFactory(username="cl_zhou", full_name="周残联", unit=federation, roles=[])
    household = HouseholdFactory(area_code=VILLAGE, phone="13807390001", head__name="王秀兰")
    give_documents(household, ["id_card", "household_booklet", "application_form", "bank_card"])
    return household


def as_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, TEST_PASSWORD)


def open_case(page, live_server, case):
    page.goto(f"{live_server.url}/cases/{case.pk}/")


def test_proxy_application_with_missing_document_flows_to_the_county_and_back(page, live_server, county):
    household = county
    # 1. The 民生员 accepts on the resident's behalf; one document is missing.
    as_user(page, live_server, "ms_zhao")
    page.goto(f"{live_server.url}/cases/accept/?item=disability_living")
    page.get_by_test_id("household-q").fill("王秀兰")
    page.get_by_test_id("household-search").click()
    page.get_by_test_id("pick-household").first.click()
    expect(page.get_by_test_id("missing-preview")).to_contain_text("残疾人证缺少")
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("待补齐材料")
    case = Case.objects.get()
    assert case.proxy and case.accepting_unit.name == "城西社区居委会"

    # 2. The one-time notice, printed for the resident.
    page.get_by_test_id("print-notice").click()
    expect(page.get_by_test_id("notice-title")).to_have_text("一次性告知书")
    expect(page.get_by_test_id("notice-missing")).to_contain_text("王秀兰：残疾人证缺少")
    page.screenshot(path=str(SCREENSHOTS / "cases_one_time_notice.png"), full_page=True)

    # 3. The certificate is brought in and collected into the library; the clock starts.
    open_case(page, live_server, case)
    page.get_by_test_id("doc-type").select_option("disability_certificate")
    page.get_by_test_id("doc-number").fill("43052219800517001X42")
    page.get_by_test_id("doc-add").click()
    expect(page.get_by_test_id("case-status")).to_have_text("办理中")
    expect(page.get_by_test_id("case-clock")).to_contain_text("剩余")
    page.get_by_test_id("act-text").fill("材料齐全，情况属实")
    page.get_by_test_id("act-approve").click()
    expect(page.get_by_test_id("step-review")).to_contain_text("办理中")

    # 4. The resident checks progress on the public page (no login).
    page.context.clear_cookies()
    tail = household.head.id_number[-6:]
    page.goto(f"{live_server.url}/cases/public/progress/")
    page.get_by_test_id("progress-receipt").fill(case.receipt_no)
    page.get_by_test_id("progress-tail").fill(tail)
    page.get_by_test_id("progress-submit").click()
    expect(page.get_by_test_id("progress-step")).to_have_text("乡镇审核")
    expect(page.get_by_test_id("progress-result")).not_to_contain_text(household.head.name)

    # 5. The township clerk transfers the question of the disability grade to 残联.
    as_user(page, live_server, "jb_li")
    page.goto(f"{live_server.url}/cases/")
    page.get_by_test_id("queue-table").get_by_role("link", name=case.receipt_no).click()
    page.get_by_test_id("transfer-unit").select_option(label="新邵县残疾人联合会")
    page.get_by_test_id("act-text").fill("请核实申请人残疾等级")
    page.get_by_test_id("act-transfer").click()
    expect(page.get_by_role("alert").first).to_contain_text("已转办新邵县残疾人联合会")

    # 6. 残联 sees the transfer (not the case pages) and replies.
    as_user(page, live_server, "cl_zhou")
    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_test_id("inbox-table")).to_contain_text("请核实申请人残疾等级")
    page.get_by_test_id("open-transfer").first.click()
    expect(page.get_by_test_id("transfer-summary")).to_contain_text(case.receipt_no)
    page.get_by_test_id("transfer-reply").fill("经核实，肢体残疾二级，证件有效")
    page.get_by_test_id("transfer-reply-submit").click()
    assert page.goto(f"{live_server.url}/cases/{case.pk}/").status == 403

    # 7. Back at the township: the reply is on the timeline; the clerk passes the case up.
    as_user(page, live_server, "jb_li")
    open_case(page, live_server, case)
    expect(page.get_by_test_id("timeline")).to_contain_text("肢体残疾二级")
    page.get_by_test_id("act-text").fill("同意上报")
    page.get_by_test_id("act-approve").click()
    expect(page.get_by_test_id("step-confirm")).to_contain_text("办理中")

    # 8. The county approves.
    as_user(page, live_server, "sp_liu")
    open_case(page, live_server, case)
    page.get_by_test_id("act-text").fill("准予")
    page.get_by_test_id("act-approve").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已办结（准予）")

    # 9. The village window replies once; SMS queued; the reply notice prints.
    as_user(page, live_server, "ms_zhao")
    open_case(page, live_server, case)
    page.get_by_test_id("reply-submit").click()
    page.get_by_test_id("print-reply").click()
    expect(page.get_by_test_id("reply-text")).to_contain_text("准予办理")
    page.screenshot(path=str(SCREENSHOTS / "cases_reply_notice.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cases/public/progress/?receipt_no={case.receipt_no}&id_tail={tail}")
    expect(page.get_by_test_id("progress-step")).to_contain_text("已办结，已答复")
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[:3] == ["accepted", "materials_notice", "materials_supplied"]
    assert {"transferred", "transfer_replied", "approved", "replied"} <= set(kinds)
