"""The administrator's loops in the browser: the 定时任务 page lists each periodic work with its next
run and runs one now; the 工作日历 page takes a State Council holiday notice pasted as published."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD, StaffFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

# A year no calendar package will know for a long time: the test never depends on today.
NOTICE_2099 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：1月20日至1月27日放假调休，共8天。1月17日（周六）上班。"""


def test_administrator_runs_a_periodic_work_now_and_enters_a_holiday_notice(page, live_server, county_bureau):
    StaffFactory(username="admin_x", full_name="孙管理", unit=county_bureau, roles=["admin"])
    login(page, live_server, "admin_x", TEST_PASSWORD)
    page.goto(f"{live_server.url}/jobs/periodic/")
    card = page.locator(".card", has_text="工作日历检查")
    expect(card).to_contain_text("每天 01:30")
    expect(card).to_contain_text("下次运行")
    with page.expect_navigation():
        card.get_by_role("button", name="立即运行").click()
    expect(page.get_by_role("alert").filter(has_text="已提交“工作日历检查”立即运行")).to_be_visible()
    card = page.locator(".card", has_text="工作日历检查")
    expect(card).to_contain_text("成功")
    expect(card).to_contain_text("需录入节假日安排")
    page.screenshot(path=str(SCREENSHOTS / "periodic_work.png"), full_page=True)

    page.goto(f"{live_server.url}/cases/calendar/")
    page.fill("#id_year", "2099")
    page.fill("#id_number", "国办发明电〔2098〕1号")
    page.fill("#id_text", "1月1日至3日休整")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator("main form .alert-danger")).to_contain_text("第1行：“1月1日至3日休整”没有写明放假还是上班")
    page.fill("#id_year", "2099")
    page.fill("#id_text", NOTICE_2099)
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="已录入2099年节假日安排：放假11天，调休上班2天")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1月17日上班")
    page.screenshot(path=str(SCREENSHOTS / "holiday_notice.png"), full_page=True)
