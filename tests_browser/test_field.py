"""The village on a phone (issue 20), in a real browser at 375 px:

- no page a 民生员 or 网格员 uses is wider than the phone (measured for every page their menu offers,
  and the pages those lead to);
- a grid worker reports an event with a photo while offline, goes online, and it is stored once;
  the township hands it to a department with a deadline, the deadline passes and 督办 is raised;
- a 12345 order arrives at the endpoint, is answered, and the answer reaches the platform;
- a 民生员 records a visit offline that changes the income of a household in payment; online, the
  review (复核) is opened.
"""

import io
import json
import re
import urllib.request
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from accounts.tests.factories import TEST_PASSWORD, StaffFactory, UnitFactory, ensure_area
from cases.tests.factories import restore_reference_data
from grid import hotline, services
from grid.models import EventStep, GridEvent, HotlineOrder, Visit
from grid.tests.receiver import Receiver
from registry.tests.factories import HouseholdFactory
from tests_browser.helpers import SCREENSHOTS, login

pytestmark = pytest.mark.browser

VILLAGE = "430522100201"
PHONE = {"width": 375, "height": 740}
# The page's own width against the viewport: anything that scrolls sideways makes it wider.
MAX_OPTIONS = 100  # a longer list is picked by typing (areas, households, staff)
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"


@pytest.fixture
def county():
    from grid.visits import assign_contacts
    from ledger import services as ledger
    from policy.programmes import Programme
    from policy.tests.factories import local_amounts

    restore_reference_data()
    local_amounts()
    ensure_area("430522000000", "新邵县")
    ensure_area("430522100000", "酿溪镇")
    ensure_area(VILLAGE, "城西社区")
    bureau = UnitFactory(name="新邵县民政局", kind=Unit.Kind.BUREAU, area_code="430522000000")
    township = UnitFactory(name="酿溪镇民政办", area_code="430522100000", parent=bureau)
    village = UnitFactory(name="城西社区居委会", kind=Unit.Kind.VILLAGE_COMMITTEE, area_code=VILLAGE, parent=township)
    UnitFactory(
        name="新邵县住房和城乡建设局",
        kind=Unit.Kind.DEPARTMENT,
        department=Unit.Department.HOUSING,
        area_code="430522000000",
    )
    minsheng = StaffFactory(username="ms_zhao", full_name="赵民生", unit=village, roles=["livelihood_worker"])
    StaffFactory(username="wg_zeng", full_name="曾网格", unit=village, roles=["grid_worker"])
    StaffFactory(username="jb_li", full_name="李经办", unit=township, roles=["clerk"])
    household = HouseholdFactory(area_code=VILLAGE, head__name="王秀兰")
    ledger.enrol(
        programme=Programme.DIBAO, household=household, monthly_amount=Decimal("500"), decided_on=date(2026, 1, 10)
    )
    assign_contacts([household], minsheng, on_date=date(2026, 1, 1))
    return household


def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 40, 30)).save(out, "JPEG", quality=80)
    return out.getvalue()


def waiting(page):
    return page.get_by_test_id("outbox-count")


def test_no_worker_page_is_wider_than_a_phone(browser, live_server, county):
    from monitoring.services import raise_field_report

    raise_field_report(
        household=county, person=None, detail="邻居反映无人照料", on_date=timezone.localdate(), natural_key="t:width"
    )
    for username in ("ms_zhao", "wg_zeng"):
        page = phone(browser)
        login(page, live_server, username, TEST_PASSWORD)
        # the menu collapses behind one button and opens on a tap
        expect(page.get_by_test_id("nav-toggle")).to_be_visible()
        expect(page.locator("#mz-nav")).to_be_hidden()
        page.get_by_test_id("nav-toggle").click()
        expect(page.locator("#mz-nav")).to_be_visible()
        box = page.get_by_test_id("nav-toggle").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        links = page.eval_on_selector_all("#mz-nav a.dropdown-item", "els => els.map(e => e.getAttribute('href'))")
        assert links, f"{username} has no menu"
        pages = ["/", *links]
        # and the pages those lead to
        event = (
            GridEvent.objects.first()
            or services.report_event(
                user=StaffFactory._meta.model.objects.get(username="wg_zeng"),
                client_id=uuid.uuid4(),
                category_code="hardship",
                description="测试宽度用的事件，描述写得长一些，长到足以在手机上折行显示，不能把页面撑宽" * 2,
                household=county,
            ).event
        )
        pages += [f"/grid/events/{event.pk}/", "/grid/outbox/", f"/grid/visits/new/?household={county.pk}"]
        if username == "ms_zhao":
            from monitoring.models import Warning

            pages += [f"/monitoring/warnings/{Warning.objects.get().pk}/", f"/registry/households/{county.pk}/"]
        wide, long_lists = {}, {}
        for path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, f"{username} {path}: {response.status}"
            size = page.evaluate(WIDTH)
            options = page.evaluate(
                "Math.max(0, ...[...document.querySelectorAll('select')].map(s => s.options.length))"
            )
            if options > MAX_OPTIONS:
                long_lists[path] = options
            if size["scroll"] > size["view"]:
                wide[path] = size["scroll"]
                page.screenshot(path=str(SCREENSHOTS / f"wide_{username}_{path.strip('/').replace('/', '_')}.png"))
        page.context.close()
        assert not wide, f"{username}: pages wider than 375 px: {wide}"
        assert not long_lists, f"{username}: dropdowns longer than {MAX_OPTIONS} options (pick by typing): {long_lists}"


def test_an_event_reported_offline_syncs_once_and_is_supervised_when_late(browser, live_server, county):
    page = phone(browser)
    login(page, live_server, "wg_zeng", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/report/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{live_server.url}/grid/report/")  # now under the service worker
    page.context.set_offline(True)
    page.reload()  # opens without signal, from the phone's copy
    expect(page.get_by_test_id("report-form")).to_be_visible()
    page.select_option("#category", "housing_danger")
    page.fill("#description", "5组王家土坯房后墙开裂，雨季有倒塌危险")
    page.fill("#place", "5组")
    page.set_input_files("#photos", files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.get_by_test_id("saved-note")).to_contain_text("已保存在手机上")
    expect(waiting(page)).to_contain_text("1")
    assert not GridEvent.objects.exists()
    page.screenshot(path=str(SCREENSHOTS / "field_offline_waiting.png"))

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(waiting(page)).to_be_hidden()
    page.evaluate("MZOutbox.send()")  # a second send finds nothing left to send
    event = GridEvent.objects.get()
    assert event.photos.count() == 1 and event.description.startswith("5组王家")
    assert event.reporter.username == "wg_zeng"

    # the township hands it to a county department; the deadline passes; 督办
    page.context.clear_cookies()
    login(page, live_server, "jb_li", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/events/{event.pk}/")
    page.select_option("#level", "county")
    page.select_option("#unit", label="新邵县住房和城乡建设局")
    page.get_by_role("button", name="流转", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已流转")
    event.refresh_from_db()
    assert event.handler_unit.name == "新邵县住房和城乡建设局" and event.due_at > timezone.now()
    services.supervise_overdue(now=event.due_at + timedelta(minutes=1))
    page.reload()
    expect(page.get_by_test_id("supervised")).to_have_text("1级督办")
    expect(page.get_by_test_id("steps")).to_contain_text("1级督办：已超过办理期限")
    # the reporter sees it too
    page.context.clear_cookies()
    login(page, live_server, "wg_zeng", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/report/")
    expect(page.get_by_test_id("my-events")).to_contain_text("已督办")
    page.screenshot(path=str(SCREENSHOTS / "field_supervised.png"), full_page=True)
    page.context.close()


def test_a_12345_order_is_answered_and_the_answer_delivered(browser, live_server, county, settings):
    settings.HOTLINE_SECRET = "browser-secret"
    order = {
        "order_no": "GD20261207001",
        "title": "独居老人无人照料",
        "content": "城西社区有位老人独居，行动不便",
        "area_code": VILLAGE,
        "limit_at": (timezone.localtime() + timedelta(days=3)).isoformat(),
    }
    body = json.dumps(order, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        f"{live_server.url}/grid/hotline/orders/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hotline-Signature": hotline.sign(body, "browser-secret")},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - the test's own server
        assert response.status == 201
    event = HotlineOrder.objects.get().event
    with Receiver() as platform:
        settings.HOTLINE_ANSWER_URL = platform.url
        page = phone(browser)
        login(page, live_server, "jb_li", TEST_PASSWORD)
        page.goto(f"{live_server.url}/grid/hotline/")
        page.get_by_role("link", name="办理").first.click()
        page.fill("textarea[name=result]", "已安排民生员每日上门，并为老人申请特困供养")
        page.get_by_role("button", name="办结", exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text("答复将发送至12345平台")
        page.reload()
        expect(page.get_by_test_id("delivery")).to_contain_text("已送达")
        page.context.close()
    (raw, _signature) = platform.received[0]
    assert json.loads(raw)["order_no"] == "GD20261207001"
    assert event.steps.filter(kind=EventStep.Kind.ANSWERED).count() == 1


def test_a_visit_recorded_offline_opens_the_review_online(browser, live_server, county):
    from cases.models import Case

    page = phone(browser)
    login(page, live_server, "ms_zhao", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/visits/new/")
    page.fill("#household-q", "王秀兰")  # picked by typing, never from a long list
    page.locator(".mz-suggest button").first.click()
    expect(page.locator(".mz-picked")).to_contain_text("已选")
    page.context.set_offline(True)
    page.fill("#seen", "户主王秀兰")
    page.check("#income_changed")
    page.fill("#monthly_income", "2600")
    page.fill("#income_note", "儿子外出务工，每月寄回2000元")
    page.locator("#sig").scroll_into_view_if_needed()
    sig = page.locator("#sig").bounding_box()
    page.mouse.move(sig["x"] + 20, sig["y"] + 20)
    page.mouse.down()
    page.mouse.move(sig["x"] + 120, sig["y"] + 60)
    page.mouse.up()
    page.get_by_role("button", name="保存走访").click()
    expect(waiting(page)).to_contain_text("1")
    assert not Visit.objects.exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(waiting(page)).to_be_hidden()
    visit = Visit.objects.get()
    case = Case.objects.get(household=county, item__code="dibao_change")
    assert visit.income_changed and visit.signature.startswith("data:image/png")
    assert case.receipt_no in visit.started
    page.goto(f"{live_server.url}/grid/visits/")
    expect(page.locator("body")).to_contain_text(f"已发起复核，受理编号{case.receipt_no}")
    page.context.close()


def test_a_visit_in_conflict_with_a_change_made_meanwhile_is_shown_not_lost(browser, live_server, county):
    page = phone(browser)
    login(page, live_server, "ms_zhao", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/visits/new/?household={county.pk}")
    page.context.set_offline(True)
    county.address = "新邵县酿溪镇城西社区8号（经办员刚改）"
    county.save()  # a clerk edits the household meanwhile
    page.fill("#seen", "户主王秀兰")
    page.fill("#members_changed", "孙子外出上学")
    page.get_by_role("button", name="保存走访").click()
    expect(waiting(page)).to_contain_text("1")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(waiting(page)).to_have_class(re.compile("btn-danger"))  # kept on the phone, marked
    visit = Visit.objects.get()  # stored once, the household not overwritten
    assert "已在系统中被修改" in visit.conflict
    county.refresh_from_db()
    assert county.address.endswith("（经办员刚改）")
    page.goto(f"{live_server.url}/grid/outbox/")
    expect(page.get_by_test_id("outbox-list")).to_contain_text("已在系统中被修改")
    page.get_by_role("button", name="已核对，移除").click()
    expect(waiting(page)).to_be_hidden()
    page.evaluate("MZOutbox.send()")
    assert Visit.objects.count() == 1
    page.context.close()


def test_the_outbox_goes_in_one_request_and_one_by_one_to_a_server_without_it(browser, live_server, county):
    page = phone(browser)
    login(page, live_server, "wg_zeng", TEST_PASSWORD)
    page.goto(f"{live_server.url}/grid/report/")
    page.context.set_offline(True)
    for text in ("村口路灯损坏，夜间无照明", "3组水渠堵塞，雨天漫到路上"):
        page.select_option("#category", "public_facility")
        page.fill("#description", text)
        page.get_by_role("button", name="上报", exact=True).click()
        expect(page.get_by_test_id("saved-note")).to_contain_text("已保存在手机上")
    expect(waiting(page)).to_contain_text("2")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/grid/sync/" in r.url else None)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(waiting(page)).to_be_hidden()
    assert [url.removeprefix(live_server.url) for url in sent] == ["/grid/sync/batch/"]
    assert GridEvent.objects.count() == 2

    # a server that predates the batch answers 404 there: the same outbox goes item by item
    page.route("**/grid/sync/batch/", lambda route: route.fulfill(status=404, body="not found"))
    page.context.set_offline(True)
    page.select_option("#category", "public_facility")
    page.fill("#description", "村委会门前台阶破损")
    page.get_by_role("button", name="上报", exact=True).click()
    expect(waiting(page)).to_contain_text("1")
    sent.clear()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(waiting(page)).to_be_hidden()
    assert [url.removeprefix(live_server.url) for url in sent] == ["/grid/sync/batch/", "/grid/sync/"]
    assert GridEvent.objects.count() == 3
    page.context.close()
