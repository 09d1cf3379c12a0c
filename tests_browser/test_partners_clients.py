"""An administrator issues a partner client in the browser at 375 px: the credential is shown
once, works on the API at once, and stops working the moment the administrator revokes it."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def administrator():
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    return StaffFactory(username="mz_admin", full_name="孙志强", unit=bureau, roles=["admin"])


def call_me(live_server, credential: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - the test server
        f"{live_server.url}/api/v1/partners/me", headers={"Authorization": f"Bearer {credential}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test server
            return response.status
    except urllib.error.HTTPError as exc:
        assert "吊销" in json.loads(exc.read())["message"]
        return exc.code


def test_an_administrator_issues_and_revokes_a_client_on_a_phone(browser, live_server, administrator):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server, "mz_admin", TEST_PASSWORD)
    page.goto(f"{live_server.url}/partners/")
    page.get_by_role("link", name="签发新凭证").click()
    page.fill("#id_name", "养老保险信息系统")
    page.fill("#id_department", "新邵县人力资源和社会保障局")
    page.check("input[value='registry:read']")
    page.check("input[value='deaths:read']")
    assert page.evaluate(WIDTH)
    page.get_by_role("button", name="签发").click()
    expect(page.get_by_text("只显示这一次")).to_be_visible()
    credential = page.locator("#credential").inner_text().strip()
    assert page.evaluate(WIDTH)
    page.screenshot(path=str(SCREENSHOTS / "partners_issued_phone.png"), full_page=True)
    assert call_me(live_server, credential) == 200

    page.get_by_role("link", name="我已保存，设置事件订阅").click()
    expect(page.get_by_text(credential.split(".", 1)[1])).to_have_count(0)
    page.fill("#revoke-reason", "系统下线")
    page.get_by_role("button", name="吊销").click()
    expect(page.get_by_text("已吊销").first).to_be_visible()
    assert page.evaluate(WIDTH)
    assert call_me(live_server, credential) == 401
    assert blocked == []
    context.close()
