"""Charity matched to a need, and open village affairs (issue 23 §2–3), in a real browser at 375 px:

- a 民生员 turns a monitoring warning into a need with the resident's consent, the platform proposes a
  charity's resource with its score explained, the worker refers it; the charity's staff (服务机构人员)
  accept it and report the help; the need closes with the resident's confirmation;
- a village publication appears on the public page (no login, phone number masked) and the
  township's compliance view shows a period nobody published.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.tests.factories import restore_reference_data
from registry.models import Organisation
from registry.tests.factories import HouseholdFactory, OrganisationFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

COUNTY, TOWNSHIP, VILLAGE = "430522000000", "430522100000", "430522100201"
PHONE = {"width": 375, "height": 740}
WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def county():
    from monitoring.models import Warning
    from monitoring.services import raise_field_report
    from society.lists import area_prefix
    from society.models import OrganisationStaff, Resource

    restore_reference_data()
    ensure_area(COUNTY, "新邵县")
    ensure_area(TOWNSHIP, "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code=COUNTY)
    township = UnitFactory(name="酿溪镇民政办", area_code=TOWNSHIP, parent=bureau)
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    StaffFactory(username="ms_xie", full_name="谢民生", unit=village, roles=["livelihood_worker"])
    StaffFactory(username="jb_zhang", full_name="张经办", unit=township, roles=["clerk"])
    jigou = StaffFactory(username="jg_wu", full_name="吴机构", unit=township, roles=["provider_staff"])
    charity = OrganisationFactory(name="新邵县慈善总会", kind=Organisation.Kind.CHARITY, area_code=COUNTY)
    OrganisationStaff.objects.create(user=jigou, organisation=charity)
    Resource.objects.create(
        organisation=charity,
        area_code=COUNTY,
        area_prefix=area_prefix(COUNTY),
        form=Resource.Form.FUNDS,
        kind="medical",
        name="大病救助专项善款",
        quantity=Decimal(100000),
        remaining=Decimal(100000),
    )
    household = HouseholdFactory(area_code=VILLAGE, head__name="王秀兰")
    raise_field_report(
        household=household,
        person=None,
        detail="户主住院，自付费用高",
        on_date=timezone.localdate(),
        natural_key="t:need",
    )
    return Warning.objects.filter(household=household).get()


def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(45_000)  # the shared machine is slow at times; a real failure still fails
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.blocked = blocked
    return page


def done(page):
    assert page.evaluate(WIDTH), f"{page.url} scrolls sideways at 375 px"
    assert not page.blocked, f"CSP violations: {page.blocked[:3]}"
    page.context.close()


def test_a_need_from_a_warning_is_matched_referred_accepted_reported_and_closed(browser, live_server, county):
    worker = phone(browser)
    login(worker, live_server, "ms_xie", TEST_PASSWORD)
    worker.goto(f"{live_server.url}/society/needs/new/?warning={county.pk}")
    expect(worker.get_by_text("来自监测预警")).to_be_visible()
    worker.select_option("#n-kind", "medical")
    worker.fill("#n-desc", "住院自付费用缺口，医保报销后仍需5000元")
    worker.fill("#n-qty", "5000")
    worker.fill("#n-consent", "户主王秀兰签字同意")
    worker.get_by_role("button", name="登记需求").click()
    proposals = worker.get_by_test_id("proposals")
    expect(proposals).to_contain_text("新邵县慈善总会")
    expect(proposals).to_contain_text("匹配得分")
    expect(proposals).to_contain_text("地域+20（全县）")
    worker.get_by_test_id("refer").click()
    expect(worker.get_by_test_id("need-status")).to_have_text("已转介")
    need_url = worker.url
    done(worker)

    staff = phone(browser)
    login(staff, live_server, "jg_wu", TEST_PASSWORD)
    staff.goto(f"{live_server.url}/society/referrals/")
    staff.get_by_test_id("referrals").get_by_role("link").first.click()
    staff.get_by_test_id("accept").click()
    expect(staff.get_by_test_id("referral-state")).to_have_text("已接收")
    staff.fill("#r-report", "资助住院自付费用5000元，已转账")
    staff.fill("#r-value", "5000")
    staff.fill("#r-used", "5000")
    staff.get_by_test_id("report").click()
    expect(staff.get_by_test_id("referral-state")).to_have_text("已反馈帮扶")
    staff.screenshot(path=str(SCREENSHOTS / "society_referral_reported.png"), full_page=True)
    done(staff)

    worker = phone(browser)
    login(worker, live_server, "ms_xie", TEST_PASSWORD)
    worker.goto(need_url)
    expect(worker.get_by_test_id("need-status")).to_have_text("已帮扶待确认")
    worker.fill("#confirm", "户主已收到资助，签字确认")
    worker.get_by_test_id("confirm").click()
    expect(worker.get_by_test_id("need-status")).to_have_text("已办结")
    expect(worker.get_by_test_id("referrals")).to_contain_text("资助住院自付费用5000元")
    worker.get_by_role("link", name="该户救助与帮扶").click()
    expect(worker.get_by_test_id("charity").first).to_contain_text("新邵县慈善总会")
    done(worker)


def test_a_publication_is_public_and_the_township_sees_what_is_missing(browser, live_server, county):
    worker = phone(browser)
    login(worker, live_server, "ms_xie", TEST_PASSWORD)
    worker.goto(f"{live_server.url}/society/affairs/")
    worker.select_option("#p-item", label="村（居）财务收支（每月）")
    worker.fill("#p-title", "城西社区财务收支公开")
    worker.fill("#p-body", "本月收入12600元，支出9850元。经手人电话13807390001。")
    worker.get_by_role("button", name="发布", exact=True).click()
    expect(worker.get_by_test_id("publications")).to_contain_text("城西社区财务收支公开")
    done(worker)

    visitor = phone(browser)
    visitor.goto(f"{live_server.url}/society/public/affairs/{VILLAGE}/")
    published = visitor.get_by_test_id("public-publications")
    expect(published).to_contain_text("城西社区财务收支公开")
    expect(published).not_to_contain_text("13807390001")
    done(visitor)

    clerk = phone(browser)
    login(clerk, live_server, "jb_zhang", TEST_PASSWORD)
    last_year = timezone.localdate().year - 1
    clerk.goto(f"{live_server.url}/society/affairs/compliance/?year={last_year}")
    expect(clerk.get_by_test_id("compliance")).to_contain_text("逾期未公开")
    expect(clerk.get_by_test_id("compliance")).to_contain_text("城西社区")
    clerk.screenshot(path=str(SCREENSHOTS / "society_compliance.png"), full_page=True)
    done(clerk)
