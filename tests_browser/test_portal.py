"""The resident's own portal on a phone (issue 23 §1), in a real browser at 375 px:

a resident signs in by SMS code (read from the loopback outbox), binds to their household, applies
for 临时救助 with two uploaded documents; the township window accepts it; the resident follows the
steps and reads the one reply; the resident objects to a notice and complains about a delay, and
sees both answered. No page the resident opens is wider than the phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from assistance.procedure import confirm_application, pass_step
from cases.models import Case, SmsOutbox
from cases.replies import issue_reply
from cases.tests.factories import restore_reference_data
from portal.tests.factories import resolve_by_appraisal, running_notice
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
PHONE_NUMBER = "13812345678"
PHONE = {"width": 375, "height": 740}
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


@pytest.fixture
def county():
    from policy.tests.factories import local_amounts

    restore_reference_data()
    local_amounts()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    staff = {
        "clerk": StaffFactory(username="jb_li", full_name="李经办", unit=township, roles=["clerk"]),
        "reviewer": StaffFactory(username="sh_huang", full_name="黄审核", unit=township, roles=["reviewer"]),
        "approver": StaffFactory(username="sp_liu", full_name="刘审批", unit=bureau, roles=["approver"]),
    }
    household = HouseholdFactory(area_code=VILLAGE, head__name="王秀兰", head__phone=PHONE_NUMBER)
    neighbour = HouseholdFactory(area_code=VILLAGE, head__name="李四")
    notice = running_notice(neighbour, staff["clerk"], timezone.localdate())
    return {"household": household, "notice": notice, **staff}


def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_blocked = blocked
    return page


def fits(page, name: str) -> None:
    size = page.evaluate(WIDTH)
    if size["scroll"] > size["view"]:
        page.screenshot(path=str(SCREENSHOTS / f"wide_portal_{name}.png"))
    assert size["scroll"] <= size["view"], f"{name} is {size['scroll']} px wide"


def test_resident_applies_online_is_accepted_objects_and_complains(browser, live_server, page, county):
    household = county["household"]
    resident = phone(browser)

    # sign in by SMS code, read from the loopback outbox
    resident.goto(f"{live_server.url}/my/login/")
    fits(resident, "login")
    resident.get_by_test_id("portal-phone").fill(PHONE_NUMBER)
    resident.get_by_test_id("portal-send-code").click()
    text = SmsOutbox.objects.filter(phone=PHONE_NUMBER).latest("id").text
    code = re.search(r"验证码为(\d{6})", text).group(1)
    expect(resident.get_by_text(code)).to_have_count(0)  # never on the page
    resident.get_by_test_id("portal-code").fill(code)
    resident.get_by_test_id("portal-sign-in").click()

    # bind: name + ID number, and the phone is the one the registry holds
    expect(resident).to_have_url(re.compile(r"/my/bind/$"))
    fits(resident, "bind")
    resident.get_by_test_id("bind-name").fill("王秀兰")
    resident.get_by_test_id("bind-id").fill(household.head.id_number)
    resident.get_by_test_id("bind-submit").click()
    expect(resident.get_by_test_id("portal-welcome")).to_contain_text("王*兰")
    fits(resident, "home")

    # apply for 临时救助 with two uploaded documents
    resident.get_by_test_id("tile-apply").click()
    fits(resident, "catalogue")
    resident.get_by_test_id("apply-temp_emergency").click()
    resident.get_by_test_id("apply-reason").fill("房屋失火，急需生活用品和临时住所")
    resident.get_by_test_id("apply-amount").fill("1500")
    resident.get_by_test_id("doc-type-0").select_option("id_card")
    resident.get_by_test_id("doc-file-0").set_input_files(
        [{"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}]
    )
    resident.get_by_test_id("doc-type-1").select_option("household_booklet")
    resident.get_by_test_id("doc-file-1").set_input_files(
        [{"name": "户口簿.png", "mimeType": "image/png", "buffer": PNG}]
    )
    fits(resident, "apply")
    resident.get_by_test_id("apply-submit").click()
    expect(resident.get_by_text("等待窗口受理")).to_be_visible()
    fits(resident, "cases")

    # the window accepts it: the clock starts today
    login(page, live_server, "jb_li", TEST_PASSWORD)
    page.goto(f"{live_server.url}/my/desk/")
    page.get_by_test_id("online-open").first.click()
    expect(page.get_by_test_id("online-documents")).to_contain_text("户口簿")
    expect(page.get_by_test_id("online-documents")).to_contain_text("居民身份证")
    page.get_by_test_id("online-accept").click()
    expect(page.get_by_text("已受理，受理编号")).to_be_visible()
    case = Case.objects.get(household=household)
    assert case.clock_started_on == timezone.localdate()

    resident.reload()
    resident.get_by_test_id(f"case-{case.receipt_no}").click()
    expect(resident.get_by_test_id("case-steps")).to_contain_text("受理并先行救助")
    expect(resident.get_by_test_id("case-steps")).to_contain_text("办理中")
    fits(resident, "case")

    # the township approves, the county files, the window replies once
    today = timezone.localdate()
    pass_step(user=county["clerk"], application=case.assistance, on_date=today)
    pass_step(user=county["reviewer"], application=case.assistance, on_date=today)
    confirm_application(user=county["approver"], application=case.assistance, on_date=today)
    case.refresh_from_db()
    issue_reply(user=county["clerk"], case=case, on_date=today)
    resident.reload()
    expect(resident.get_by_test_id("case-reply")).to_contain_text("准予办理")
    expect(resident.get_by_test_id("case-steps")).to_contain_text("已完成")

    # object to the neighbour's notice; the village appraises again and answers
    resident.goto(f"{live_server.url}/my/notices/")
    resident.get_by_test_id("objection-content").fill("他家上个月刚买了小汽车")
    resident.get_by_test_id("objection-submit").click()
    expect(resident.get_by_test_id("my-objection")).to_contain_text("待复查")
    fits(resident, "notices")
    resolve_by_appraisal(county["notice"], county["clerk"], today, "经民主评议核实，车辆登记在其已分户的儿子名下")
    resident.reload()
    expect(resident.get_by_test_id("objection-answer")).to_contain_text("已分户的儿子名下")

    # complain about a delay; the township answers it
    resident.goto(f"{live_server.url}/my/complaints/")
    resident.get_by_test_id("complaint-kind").select_option("delay")
    resident.get_by_test_id("complaint-content").fill("上次申请的材料交了很久都没有人联系")
    resident.get_by_test_id("complaint-submit").click()
    expect(resident.get_by_test_id("complaint-status")).to_contain_text("办理中")
    fits(resident, "complaint")
    page.goto(f"{live_server.url}/my/desk/")
    page.get_by_test_id("complaint-open").first.click()
    page.get_by_test_id("complaint-answer-text").fill("已核实，您的申请已于今日办结，请留意短信")
    page.get_by_test_id("complaint-answer-submit").click()
    resident.reload()
    expect(resident.get_by_test_id("complaint-answer")).to_contain_text("已于今日办结")

    # the 明白卡 and the service points fit the phone too
    for path in ("/my/card/", "/my/documents/", "/my/bookings/", "/my/points/"):
        resident.goto(f"{live_server.url}{path}")
        fits(resident, path.strip("/").replace("/", "_"))
    resident.screenshot(path=str(SCREENSHOTS / "portal_points.png"))
    assert not resident.csp_blocked, resident.csp_blocked
    resident.context.close()


def test_a_resident_session_is_no_staff_session(browser, live_server, county):
    resident = phone(browser)
    resident.goto(f"{live_server.url}/my/login/")
    resident.get_by_test_id("portal-phone").fill(PHONE_NUMBER)
    resident.get_by_test_id("portal-send-code").click()
    code = re.search(r"验证码为(\d{6})", SmsOutbox.objects.filter(phone=PHONE_NUMBER).latest("id").text).group(1)
    resident.get_by_test_id("portal-code").fill(code)
    resident.get_by_test_id("portal-sign-in").click()
    resident.goto(f"{live_server.url}/cases/")
    expect(resident).to_have_url(re.compile(r"/accounts/login/"))
    resident.context.close()
