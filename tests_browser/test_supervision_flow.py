"""稽查 inside the work, in the browser: the auditor samples 20 enrolments in two townships, records a
finding, the township fixes it, the auditor signs it off."""

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from supervision.models import Rectification
from supervision.tests.factories import enrolments
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser


@pytest.fixture
def county():
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area("430522101000", "严塘镇")
    ensure_area("430522100201", "城西社区")
    ensure_area("430522101201", "严塘村")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township_a = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    UnitFactory(name="严塘镇民政办", area_code="430522101000", parent=bureau)
    StaffFactory(username="auditor_s", full_name="陈稽查", unit=bureau, roles=["auditor"])
    StaffFactory(username="clerk_s", full_name="李经办", unit=township_a, roles=["clerk"])
    enrolments("430522100201", "dibao", 18)
    enrolments("430522100201", "tekun", 6)
    enrolments("430522101201", "dibao", 16)


def test_auditor_samples_finds_township_fixes_auditor_signs_off(live_server, page, county):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server, "auditor_s", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/")
    page.get_by_test_id("new-sample").click()
    page.fill("#id_name", "2025年低保特困对象抽查")
    page.check("input[name=townships][value='430522100000']")
    page.check("input[name=townships][value='430522101000']")
    page.fill("#id_count", "20")
    page.fill("#id_seed", "2025")
    page.get_by_test_id("draw").click()
    expect(page.get_by_test_id("item-count")).to_have_text("20")
    table = page.get_by_test_id("item-table")
    expect(table).to_contain_text("酿溪镇")
    expect(table).to_contain_text("严塘镇")
    page.screenshot(path=SCREENSHOTS / "supervision_sample.png", full_page=True)

    table.locator("tr", has_text="酿溪镇").first.get_by_role("link", name="核查").click()
    page.check("input[name=notice_held][value=no]")
    page.fill("#id_note", "未在村务公开栏张榜公示")
    page.get_by_test_id("save-check").click()
    expect(page.locator(".alert")).to_contain_text("酿溪镇民政办")
    rect = Rectification.objects.get()
    page.context.clear_cookies()

    login(page, live_server, "clerk_s", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/rectifications/")
    page.get_by_test_id("rect-table").get_by_role("link").first.click()
    expect(page.get_by_test_id("rect-state")).to_have_text("整改中")
    page.fill("#id_evidence", "已补张榜公示7天，附照片")
    page.get_by_test_id("submit-fix").click()
    expect(page.get_by_test_id("rect-state")).to_have_text("待稽查销号")
    page.screenshot(path=SCREENSHOTS / "supervision_fix.png", full_page=True)
    page.context.clear_cookies()

    login(page, live_server, "auditor_s", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/")
    expect(page.get_by_test_id("count-waiting")).to_have_text("1")
    page.goto(f"{live_server.url}/supervision/rectifications/{rect.pk}/")
    page.get_by_test_id("sign-off").click()
    expect(page.get_by_test_id("rect-state")).to_have_text("已销号")
    rect.refresh_from_db()
    assert rect.state == Rectification.State.SIGNED_OFF
