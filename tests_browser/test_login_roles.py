"""Every role logs in through the real login page and lands on its own workbench, in readable Chinese."""

import pytest
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.roles import RoleCode
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

COUNTY = ("430522000000", "新邵县", "新邵县民政局", Unit.Kind.BUREAU)
TOWNSHIP = ("430522100000", "酿溪镇", "酿溪镇民政办", Unit.Kind.TOWNSHIP_OFFICE)
VILLAGE = ("430522100201", "城西社区", "城西社区居委会", Unit.Kind.VILLAGE_COMMITTEE)

# Where each role works (docs/domain.md §1).
ROLE_LEVEL = {
    RoleCode.LIVELIHOOD_WORKER: VILLAGE,
    RoleCode.GRID_WORKER: VILLAGE,
    RoleCode.CLERK: TOWNSHIP,
    RoleCode.REVIEWER: TOWNSHIP,
    RoleCode.APPROVER: COUNTY,
    RoleCode.AUDITOR: COUNTY,
    RoleCode.LEADER: COUNTY,
    RoleCode.REGISTRAR: COUNTY,
    RoleCode.RESCUE_OFFICER: COUNTY,
    RoleCode.CHILDREN_DIRECTOR: VILLAGE,
    RoleCode.SOCIAL_WORKER: TOWNSHIP,
    RoleCode.PROVIDER_STAFF: TOWNSHIP,
    RoleCode.ADMIN: COUNTY,
}

# Draws each Han character of an element's text on a canvas in the element's own font and compares
# it with the "missing glyph" box (U+0378 is unassigned, so no font has it). Without a CJK font every
# Chinese character comes out as that same box (tofu).
GLYPH_PROBE = """(el) => {
  const family = getComputedStyle(el).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d');
  const draw = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = `48px ${family}`;
    ctx.fillText(ch, 4, 52);
    return canvas.toDataURL();
  };
  const missing = draw('\\u0378');
  const chars = [...new Set([...el.textContent].filter((c) => /\\p{Script=Han}/u.test(c)))];
  const images = chars.map(draw);
  return {
    chars: chars.join(''),
    tofu: chars.filter((c, i) => images[i] === missing).join(''),
    distinct: new Set(images).size,
  };
}"""

# Swaps an element's text for as many missing-glyph characters (or back): same place, same box.
SWAP_TEXT = """([el, text]) => {
  const old = el.textContent;
  el.textContent = text === null ? '\\u0378'.repeat([...old.trim()].length) : text;
  return old;
}"""


def _unit(level) -> Unit:
    code, area_name, unit_name, kind = level
    ensure_area(code, area_name)
    parent = None if level is COUNTY else _unit(COUNTY if level is TOWNSHIP else TOWNSHIP)
    unit = Unit.objects.filter(name=unit_name).first()
    return unit or UnitFactory(name=unit_name, kind=kind, area_code=code, parent=parent)


def _platform_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium actually used for an element's text (for the failure message)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f"{font['familyName']} ({font['glyphCount']} glyphs)" for font in fonts]


def assert_chinese_rendered(page, testid: str) -> None:
    """The element's Chinese text is drawn with real glyphs, not identical 'tofu' boxes."""
    element = page.get_by_test_id(testid)
    fonts = _platform_fonts(page, f"[data-testid={testid}]")
    hint = f"fonts used: {fonts}; install a CJK font: apt-get install -y fonts-wqy-microhei"

    probe = element.evaluate(GLYPH_PROBE)
    assert probe["chars"], f"no Chinese text in [data-testid={testid}]"
    assert not probe["tofu"], f"these characters render as missing-glyph boxes: {probe['tofu']} ({hint})"
    assert probe["distinct"] == len(probe["chars"]), f"different characters render alike ({hint})"

    # Drawn in place with its text swapped for missing-glyph characters, a tofu heading looks the same.
    shot = element.screenshot()
    text = page.evaluate(SWAP_TEXT, [element.element_handle(), None])
    tofu = element.screenshot()
    page.evaluate(SWAP_TEXT, [element.element_handle(), text])
    if shot == tofu:
        pytest.fail(f"the heading's screenshot is a row of missing-glyph boxes ({hint})")


@pytest.mark.parametrize("role", list(RoleCode), ids=lambda role: role.value)
def test_each_role_lands_on_its_own_workbench(page, live_server, role):
    username = f"demo_{role.value}"
    StaffFactory(username=username, full_name=f"测试{role.label}", unit=_unit(ROLE_LEVEL[role]), roles=[role.value])

    login(page, live_server, username, TEST_PASSWORD)

    title = page.get_by_test_id("home-title")
    expect(title).to_contain_text(f"{role.label}工作台")
    expect(page.get_by_test_id("whoami")).to_contain_text(f"测试{role.label}")
    page.screenshot(path=SCREENSHOTS / f"{role.value}.png", full_page=True)
    assert_chinese_rendered(page, "home-title")


def test_five_wrong_passwords_lock_the_account(page, live_server):
    StaffFactory(username="clerk_lock", unit=_unit(TOWNSHIP), roles=[RoleCode.CLERK])

    for _ in range(4):
        login(page, live_server, "clerk_lock", "Wrong@2026")
        expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码错误")
    login(page, live_server, "clerk_lock", "Wrong@2026")
    expect(page.get_by_test_id("locked-out")).to_contain_text("账号已锁定")

    # Locked means the right password is refused too.
    login(page, live_server, "clerk_lock", TEST_PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_contain_text("账号已锁定")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_initial_password_must_be_changed_first(page, live_server):
    user = StaffFactory(username="clerk_new", unit=_unit(TOWNSHIP), roles=[RoleCode.CLERK], must_change_password=True)
    password_page = f"{live_server.url}/accounts/password/"

    login(page, live_server, "clerk_new", TEST_PASSWORD)
    expect(page).to_have_url(password_page)
    page.goto(f"{live_server.url}/")  # any other page sends the user back
    expect(page).to_have_url(password_page)

    new_password = "Xinshao#2027go"
    page.fill("#id_old_password", TEST_PASSWORD)
    page.fill("#id_new_password1", new_password)
    page.fill("#id_new_password2", new_password)
    with page.expect_navigation():
        page.locator("main form button").click()

    expect(page.get_by_test_id("home-title")).to_contain_text("经办员工作台")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(new_password)
