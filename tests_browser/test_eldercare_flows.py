"""Elderly care in a real browser (issue 22 §1–2):

- a resident turns 80, the daily job lists her, the 民生员 visits and applies with the household
  filled in, the application is decided and the 高龄津贴 appears on next month's roll;
- a home-care order is made, a carer checks the visit in on a phone (375 px) with the elderly
  person's confirmation, and the month is settled to the provider (maker and checker);
- the 护理补贴 path: the job lists a 低保 elder for an assessment, the 民生员 visits and applies, the
  养老 staff record the care level, another person approves, and next month's roll pays it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.tests.factories import give_documents, restore_reference_data
from core.months import month_start, next_month_start
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
PHONE = {"width": 375, "height": 740}
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"


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
        "minsheng": StaffFactory(username="ms_xie", full_name="谢春花", unit=village, roles=["livelihood_worker"]),
        "clerk": StaffFactory(username="jb_zhang", full_name="张丽娟", unit=township, roles=["clerk"]),
        "approver": StaffFactory(username="sp_liu", full_name="刘审批", unit=bureau, roles=["approver"]),
        "jigou": StaffFactory(username="jg_wu", full_name="吴志明", unit=township, roles=["provider_staff"]),
    }


def test_a_resident_turning_80_is_found_visited_applied_for_and_paid_next_month(page, live_server, county):
    from assistance.casework import Application
    from assistance.procedure import confirm_application, pass_step
    from outreach.services import find_today
    from payments.rolls import generate_roll
    from registry.tests.factories import HouseholdFactory

    today = timezone.localdate()
    born = date(today.year - 80, today.month, 1)  # 80 on the 1st of this month
    household = HouseholdFactory(
        area_code=VILLAGE,
        head__name="李秋菊",
        head__sex="F",
        head__birth_date=born,
        bank_name="新邵农商银行",
        bank_account="6230901818000080",
    )
    give_documents(household, ["id_card", "household_booklet", "bank_card"])
    find_today(today)  # the daily job

    login(page, live_server, "ms_xie", TEST_PASSWORD)
    expect(page.locator("main").get_by_text("政策找人").first).to_be_visible()  # the home card
    page.goto(f"{live_server.url}/outreach/")
    card = page.get_by_test_id("finding").filter(has_text="李*菊")
    expect(card).to_contain_text(f"{born.year}年{born.month}月出生，{today.year}年{born.month}月年满80周岁")
    expect(card).to_contain_text("未享受高龄津贴")
    card.get_by_test_id("finding-open").click()
    page.get_by_test_id("visit-note").fill("见到本人，已告知高龄津贴政策，愿意申请")
    page.get_by_test_id("visit-submit").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已走访")
    page.get_by_test_id("apply-start").click()
    expect(page.get_by_test_id("beneficiary-李秋菊")).to_be_checked()
    expect(page.get_by_test_id("programme")).to_have_value("elderly_allowance")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_text("已受理").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "eldercare-outreach-applied.png"), full_page=True)

    application = Application.objects.get(beneficiary=household.head, programme="elderly_allowance")
    pass_step(user=county["minsheng"], application=application, on_date=today)
    pass_step(user=county["clerk"], application=application, on_date=today)
    confirm_application(user=county["approver"], application=application, on_date=today)
    find_today(today)  # the next morning's run closes the finding
    page.goto(f"{live_server.url}/outreach/?status=all")
    expect(page.get_by_test_id("finding").filter(has_text="李*菊")).to_contain_text("已享受")

    roll = generate_roll(
        programme="elderly_allowance", month=next_month_start(today), area_code="430522000000", user=county["clerk"]
    )
    assert roll.payable_count == 1 and roll.payable_fen == 5000
    page.context.clear_cookies()
    login(page, live_server, "sp_liu", TEST_PASSWORD)
    page.goto(f"{live_server.url}/payments/rolls/{roll.pk}/")
    expect(page.locator("main")).to_contain_text("高龄津贴")
    expect(page.locator("main")).to_contain_text("50")


def test_a_home_care_order_is_served_checked_in_on_a_phone_and_settled(browser, page, live_server, county):
    from eldercare.models import Carer, HomeCareItem, InstitutionProfile, Settlement
    from ledger.services import enrol
    from registry.models import Organisation
    from registry.tests.factories import HouseholdFactory

    org = Organisation.objects.create(kind="care_provider", name="夕阳红居家养老服务中心", area_code="430522100000")
    provider = InstitutionProfile.objects.create(organisation=org, area_code=org.area_code, ownership="private")
    HomeCareItem.objects.create(provider=provider, name="助餐", hourly_price=Decimal("30"), area_code=org.area_code)
    Carer.objects.create(provider=provider, name="吴志明", user=county["jigou"], area_code=org.area_code)
    household = HouseholdFactory(area_code=VILLAGE, head__name="周桂英", head__birth_date=date(1940, 3, 3))
    enrol(
        programme="tekun",
        household=household,
        beneficiary=household.head,
        monthly_amount=Decimal("691"),
        decided_on=timezone.localdate() - timedelta(days=400),
    )

    desk = page
    login(desk, live_server, "jb_zhang", TEST_PASSWORD)
    desk.goto(f"{live_server.url}/eldercare/home-care/new/")
    desk.get_by_test_id("order-id").fill(household.head.id_number)
    desk.get_by_test_id("order-lookup").click()
    expect(desk.locator("main")).to_contain_text("每月30小时")
    desk.get_by_test_id("order-item").first.check()
    desk.get_by_test_id("order-submit").click()
    expect(desk.get_by_test_id("orders")).to_contain_text("周*英")

    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    phone = context.new_page()
    login(phone, live_server, "jg_wu", TEST_PASSWORD)
    phone.goto(f"{live_server.url}/eldercare/home-care/serve/")
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = max(now - timedelta(hours=1), now.replace(day=1, hour=0, minute=0))
    phone.get_by_test_id("serve-start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_test_id("serve-end").fill(now.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_test_id("serve-code").fill(household.head.id_number[-4:])
    phone.get_by_test_id("serve-submit").click()
    expect(phone.get_by_text("老人已确认").first).to_be_visible()
    size = phone.evaluate(WIDTH)
    assert size["scroll"] <= size["view"], f"签到页在手机上横向滚动：{size}"
    phone.screenshot(path=str(SCREENSHOTS / "eldercare-serve-phone.png"), full_page=True)
    context.close()

    desk.goto(f"{live_server.url}/eldercare/home-care/settlements/")
    desk.get_by_test_id("settle-month").fill(month_start(now.date()).strftime("%Y-%m"))
    desk.get_by_test_id("settle-generate").click()
    expect(desk.get_by_test_id("settlement-status").first).to_have_text("待审批")
    desk.context.clear_cookies()
    login(desk, live_server, "sp_liu", TEST_PASSWORD)
    desk.goto(f"{live_server.url}/eldercare/home-care/settlements/")
    desk.get_by_test_id("settle-approve").click()
    expect(desk.get_by_test_id("settlement-status").first).to_have_text("已审批")
    settlement = Settlement.objects.get()
    assert settlement.record_count == 1 and settlement.amount_fen == round((now - start).total_seconds() / 3600 * 3000)


def test_a_dibao_elder_is_listed_for_assessment_assessed_approved_by_another_and_paid_next_month(
    page, live_server, county
):
    from ledger.services import enrol
    from outreach.services import find_today
    from registry.tests.factories import HouseholdFactory

    today = timezone.localdate()
    household = HouseholdFactory(
        area_code=VILLAGE,
        head__name="王秀兰",
        head__sex="F",
        head__birth_date=date(today.year - 83, 3, 3),
        bank_name="新邵农商银行",
        bank_account="6230901818000083",
    )
    enrol(programme="dibao", household=household, monthly_amount=Decimal("600"), decided_on=today - timedelta(days=400))
    find_today(today)  # the daily job

    # the 民生员: the finding says why (低保, aged 80+) and asks for an assessment, then the visit and the application
    login(page, live_server, "ms_xie", TEST_PASSWORD)
    page.goto(f"{live_server.url}/outreach/")
    card = page.get_by_test_id("finding").filter(has_text="王*兰").filter(has_text="护理补贴")
    expect(card).to_contain_text("所在家庭享受低保，年满80周岁，可申请失能等级评估（半失能每月100元、失能每月200元）")
    card.get_by_test_id("finding-open").click()
    page.get_by_test_id("visit-note").fill("见到本人，卧床需人照料，家属愿意申请护理补贴")
    page.get_by_test_id("visit-submit").click()
    expect(page.get_by_test_id("finding-status")).to_have_text("已走访")
    page.get_by_test_id("apply-start").click()
    expect(page.get_by_test_id("care-person")).to_have_text("王*兰")  # the person and household filled in
    expect(page.get_by_test_id("care-household")).to_have_text(household.number)
    page.get_by_test_id("care-submit").click()
    expect(page.get_by_text("已受理护理补贴申请（所在家庭享受低保）").first).to_be_visible()
    expect(page.get_by_test_id("care-status").first).to_have_text("待评估")
    page.context.clear_cookies()

    # the township's 养老 staff record the care level; the assessor may not approve it
    login(page, live_server, "jb_zhang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/eldercare/care-subsidy/")
    application = page.get_by_test_id("care-application").filter(has_text="王*兰")
    application.get_by_test_id("care-level").select_option("fully_disabled")
    application.get_by_placeholder("评估情况").fill("日常生活活动能力量表30分，重度依赖")
    application.get_by_test_id("care-assess").click()
    expect(page.get_by_test_id("care-status").first).to_have_text("已评估待审批")
    expect(page.get_by_test_id("care-application").first).to_contain_text("评估为失能（护理型） · 每月200.00元")
    page.get_by_test_id("care-approve").click()
    expect(page.get_by_text("评估人不能审批自己评估的申请").first).to_be_visible()
    expect(page.get_by_test_id("care-status").first).to_have_text("已评估待审批")
    page.context.clear_cookies()

    # another person approves: paid from the month after the assessment
    next_month = next_month_start(today)
    login(page, live_server, "sp_liu", TEST_PASSWORD)
    page.goto(f"{live_server.url}/eldercare/care-subsidy/")
    page.get_by_test_id("care-approve").click()
    expect(page.get_by_text(f"已审批：每月200.00元，自{next_month:%Y年%m月}起随名册发放").first).to_be_visible()
    expect(page.get_by_test_id("care-status").first).to_have_text("已审批发放")
    page.screenshot(path=str(SCREENSHOTS / "eldercare-care-subsidy-approved.png"), full_page=True)
    page.context.clear_cookies()

    # the next morning's run closes the finding; next month's roll pays the 护理补贴
    find_today(today)
    login(page, live_server, "jb_zhang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/outreach/?status=all")
    expect(page.get_by_test_id("finding").filter(has_text="王*兰").filter(has_text="护理补贴")).to_contain_text(
        "已享受"
    )
    page.goto(f"{live_server.url}/payments/rolls/")
    page.select_option("#id_programme", "elderly_care")
    page.fill("#id_month", f"{today:%Y-%m}")  # this month's roll: not yet
    page.select_option("#id_area", "430522100000")
    with page.expect_navigation():
        page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("line-table")).to_contain_text("没有明细")
    page.goto(f"{live_server.url}/payments/rolls/")
    page.select_option("#id_programme", "elderly_care")
    page.fill("#id_month", f"{next_month:%Y-%m}")
    page.select_option("#id_area", "430522100000")
    with page.expect_navigation():
        page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("roll-status")).to_have_text("待审批")
    expect(page.get_by_test_id("planned")).to_have_text("200.00")
    expect(page.get_by_test_id("line-table")).to_contain_text("王秀兰")
