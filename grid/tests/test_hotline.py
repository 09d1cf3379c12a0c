"""12345 both ways: the inbound endpoint refuses a bad signature, a malformed order and an unknown
area with a 4xx and its reason and stores nothing; the same order twice is stored once; the answer
goes back to the platform, a failed delivery is kept with its reason and retried."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from areas.jurisdiction import scope_for_user, within
from grid import hotline, services
from grid.models import GridEvent, HotlineOrder
from grid.tests.receiver import Receiver
from grid.tests.test_events import report

pytestmark = pytest.mark.django_db
SECRET = "test-hotline-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.HOTLINE_SECRET = SECRET


def order(**overrides):
    data = {
        "order_no": "GD2026120700017",
        "title": "独居老人无人照料",
        "content": "来电反映城西社区3组有位老人独居，行动不便",
        "area_code": "430522100201",
        "limit_at": (timezone.localtime() + timedelta(days=3)).isoformat(),
        "caller_name": "王先生",
        "caller_phone": "13800000000",
    }
    data.update(overrides)
    return data


def post(client, data, signature=None):
    body = json.dumps(data, ensure_ascii=False).encode() if not isinstance(data, bytes) else data
    return client.post(
        reverse("grid:hotline_inbound"),
        body,
        content_type="application/json",
        headers={"X-Hotline-Signature": signature if signature is not None else hotline.sign(body, SECRET)},
    )


def test_an_order_is_stored_once_and_held_by_the_township(client, clerk_a, village_a):
    first = post(client, order())
    again = post(client, order())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    stored = HotlineOrder.objects.get()
    assert (stored.event.handler_unit, stored.event.source) == (clerk_a.unit, GridEvent.Source.HOTLINE)
    assert stored.event.due_at == stored.limit_at


@pytest.mark.parametrize(
    ("data", "signature", "status", "reason"),
    [
        (order(), "sha256=0000", 401, "签名不正确"),
        (b"{not json", None, 400, "不是合法的JSON"),
        (order(title=""), None, 400, "工单缺少：标题"),
        (order(limit_at="明天"), None, 400, "办理时限格式不正确"),
        (order(area_code="999999999999"), None, 422, "区划代码999999999999不存在"),
    ],
    ids=["signature", "json", "missing", "limit", "area"],
)
def test_a_bad_order_gets_a_4xx_with_its_reason_and_stores_nothing(client, village_a, data, signature, status, reason):
    response = post(client, data, signature)
    assert response.status_code == status
    assert reason in response.json()["message"]
    assert not HotlineOrder.objects.exists() and not GridEvent.objects.exists()


def test_the_answer_goes_back_and_a_failed_delivery_is_retried(
    client, clerk_a, village_a, settings, django_capture_on_commit_callbacks
):
    post(client, order())
    event = GridEvent.objects.get()
    with Receiver() as platform:
        settings.HOTLINE_ANSWER_URL = platform.url
        platform.status = 503
        with within(scope_for_user(clerk_a)), django_capture_on_commit_callbacks(execute=True):
            services.resolve(event, user=clerk_a, result="已安排民生员每日上门送餐")
        stored = HotlineOrder.objects.get()
        assert stored.delivery == HotlineOrder.Delivery.FAILED
        assert stored.attempts == 1 and "503" in stored.last_error
        assert hotline.deliver_due(now=timezone.now()) == {"已送达答复": 0}  # still pausing
        platform.status = 200
        assert hotline.deliver_due(now=timezone.now() + timedelta(minutes=2)) == {"已送达答复": 1}
    stored.refresh_from_db()
    assert stored.delivery == HotlineOrder.Delivery.SENT and stored.attempts == 2
    raw, signature = platform.received[-1]
    body = json.loads(raw)
    assert body["order_no"] == "GD2026120700017" and body["result"] == "已安排民生员每日上门送餐"
    assert signature == hotline.sign(raw, SECRET)


def sheet(rows):
    book = Workbook()
    book.active.append(["工单编号", "标题", "诉求内容", "区划代码", "办理时限", "来电人"])
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "工单.xlsx"
    return out


def test_excel_import_is_all_or_nothing_and_idempotent(client, clerk_a, village_a):
    limit = (timezone.localtime() + timedelta(days=5)).replace(tzinfo=None)
    client.force_login(clerk_a)
    bad = sheet([["GD1", "标题", "内容", "430522100201", limit, "张"], ["GD2", "标题", "内容", "999", limit, "李"]])
    response = client.post(reverse("grid:hotline"), {"file": bad}, follow=True)
    assert "第3行：区划代码999不存在" in response.content.decode()
    assert not HotlineOrder.objects.exists()
    good = [["GD1", "标题", "内容", "430522100201", limit, "张"], ["GD2", "标题", "内容", "430522100201", limit, "李"]]
    client.post(reverse("grid:hotline"), {"file": sheet(good)})
    response = client.post(reverse("grid:hotline"), {"file": sheet(good)}, follow=True)
    assert "导入工单0件，重复2件未再保存" in response.content.decode()
    assert HotlineOrder.objects.filter(via="excel").count() == 2


def test_an_event_handed_up_to_12345_is_pushed_to_the_platform_and_retried(
    grid_worker, clerk_a, settings, django_capture_on_commit_callbacks
):
    event = report(grid_worker).event
    with Receiver() as platform:
        settings.HOTLINE_REFERRAL_URL = platform.url
        platform.status = 502
        with within(scope_for_user(clerk_a)), django_capture_on_commit_callbacks(execute=True):
            services.hand_off(event, user=clerk_a, level="hotline", note="涉及多个部门")
        referral = HotlineOrder.objects.get(event=event)
        assert referral.direction == HotlineOrder.Direction.OUTBOUND
        assert referral.delivery == HotlineOrder.Delivery.FAILED and "502" in referral.last_error
        platform.status = 200
        assert hotline.deliver_due(now=timezone.now() + timedelta(minutes=2)) == {"已送达答复": 1}
    referral.refresh_from_db()
    assert referral.delivery == HotlineOrder.Delivery.SENT and referral.limit_at == event.due_at
    raw, signature = platform.received[-1]
    body = json.loads(raw)
    assert body["referral_no"] == referral.order_no and body["content"] == event.description
    assert signature == hotline.sign(raw, SECRET)
    assert event.steps.filter(text__startswith="已推送至12345平台").exists()


def test_an_order_from_the_hotline_is_not_pushed_back_to_it(client, clerk_a, village_a, settings):
    post(client, order())
    event = GridEvent.objects.get()
    assert hotline.refer_to_hotline(event, due_at=event.due_at or timezone.now()) is None
    assert HotlineOrder.objects.count() == 1
