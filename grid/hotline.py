"""The 12345 hotline both ways (网格化+12345).

Inbound: the platform posts a work order as JSON, signed with the shared secret
(header `X-Hotline-Signature: sha256=<hex HMAC-SHA256 of the body>`); a county whose platform only
exports files imports them as Excel. Either way an order becomes a grid event held by the
township of its area, with the order's own time limit, and is stored once per order number.

Outbound: when the event is resolved its answer is queued and posted back (signed the same way);
a failed delivery is kept with its reason and retried with a growing pause, and shown on the order.
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from areas.models import Area
from core.errors import DomainError
from grid.errors import GridCode
from grid.models import EventCategory, EventStep, GridEvent, HotlineOrder, Level, Urgency

log = logging.getLogger(__name__)
HOTLINE_CATEGORY = "hotline"
REQUIRED = {
    "order_no": "工单编号",
    "title": "标题",
    "content": "诉求内容",
    "area_code": "区划代码",
    "limit_at": "办理时限",
}


def sign(body: bytes, secret: str | None = None) -> str:
    secret = settings.HOTLINE_SECRET if secret is None else secret
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(body: bytes, header: str) -> None:
    if not settings.HOTLINE_SECRET:
        raise DomainError(GridCode.BAD_SIGNATURE, "本平台未配置热线共享密钥，拒绝接收")
    if not header or not hmac.compare_digest(sign(body), header.strip()):
        raise DomainError(GridCode.BAD_SIGNATURE, "工单签名不正确")


@dataclass(frozen=True)
class Received:
    order: HotlineOrder
    created: bool


def _limit(value) -> datetime:
    parsed = parse_datetime(str(value)) if value else None
    if parsed is None and isinstance(value, datetime):
        parsed = value
    if parsed is None:
        raise DomainError(GridCode.BAD_INPUT, "办理时限格式不正确（应为 2026-12-08T17:00:00+08:00）")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def validate_order(data) -> dict:
    """The fields of an order, cleaned; a DomainError naming what is wrong otherwise."""
    if not isinstance(data, dict):
        raise DomainError(GridCode.BAD_INPUT, "工单应为JSON对象")
    missing = [label for key, label in REQUIRED.items() if not str(data.get(key) or "").strip()]
    if missing:
        raise DomainError(GridCode.BAD_INPUT, "工单缺少：" + "、".join(missing))
    order_no = str(data["order_no"]).strip()
    if len(order_no) > 40:
        raise DomainError(GridCode.BAD_INPUT, "工单编号过长（最多40位）")
    limit_at = _limit(data["limit_at"])
    area_code = str(data["area_code"]).strip()
    if not Area.objects.filter(code=area_code).exists():
        raise DomainError(GridCode.UNKNOWN_AREA, f"区划代码{area_code}不存在")
    urgency = str(data.get("urgency") or Urgency.NORMAL)
    if urgency not in Urgency.values:
        raise DomainError(GridCode.BAD_INPUT, "紧急程度只能是 normal、urgent 或 emergency")
    return {
        "order_no": order_no,
        "title": str(data["title"]).strip()[:200],
        "content": str(data["content"]).strip()[:4000],
        "area_code": area_code,
        "limit_at": limit_at,
        "caller_name": str(data.get("caller_name") or "")[:50],
        "caller_phone": str(data.get("caller_phone") or "")[:20],
        "address": str(data.get("address") or "")[:200],
        "urgency": urgency,
    }


def receive_order(data, *, via: str = "api") -> Received:
    """接收工单: stored once per order number (the same order sent again answers the one stored);
    the event goes to the township office of the order's area with the order's time limit."""
    from grid.services import unit_for_level

    fields = validate_order(data)
    existing = HotlineOrder.unscoped.filter(order_no=fields["order_no"]).first()
    if existing is not None:
        return Received(existing, created=False)
    category = EventCategory.objects.filter(code=HOTLINE_CATEGORY).first() or EventCategory.objects.first()
    unit = unit_for_level(Level.TOWNSHIP, fields["area_code"])
    try:
        with transaction.atomic():
            event = GridEvent.objects.create(
                category=category,
                description=f"{fields['title']}：{fields['content']}",
                urgency=fields["urgency"],
                source=GridEvent.Source.HOTLINE,
                place=fields["address"],
                reported_at=timezone.now(),
                level=Level.TOWNSHIP,
                handler_unit=unit,
                due_at=fields["limit_at"],
                area_code=fields["area_code"],
            )
            order = HotlineOrder.objects.create(
                event=event,
                via=via,
                **{k: v for k, v in fields.items() if k not in ("urgency",)},
            )
            EventStep.objects.create(
                event=event,
                kind=EventStep.Kind.REPORTED,
                level=Level.TOWNSHIP,
                to_unit=unit,
                due_at=event.due_at,
                actor_name="12345热线",
                text=f"12345工单{order.order_no}，转{unit.name if unit else '乡镇'}办理",
            )
    except IntegrityError:  # the same order, posted twice at once
        existing = HotlineOrder.unscoped.filter(order_no=fields["order_no"]).first()
        if existing is None:
            raise
        return Received(existing, created=False)
    return Received(order, created=True)


def import_orders(rows: list[dict]) -> dict[str, int]:
    """Excel import: all or nothing — every row is checked first; any bad row stores none."""
    errors = []
    for number, row in enumerate(rows, start=2):
        try:
            validate_order(row)
        except DomainError as exc:
            errors.append(f"第{number}行：{exc.message}")
    if errors:
        raise DomainError(GridCode.BAD_INPUT, "；".join(errors[:20]) + ("……" if len(errors) > 20 else ""))
    created = 0
    with transaction.atomic():
        for row in rows:
            created += receive_order(row, via="excel").created
    return {"created": created, "duplicates": len(rows) - created}


# ------------------------------------------------------------------ outbound


def queue_answer(event: GridEvent) -> None:
    """The resolved event's result becomes the order's answer, posted after the commit."""
    order = HotlineOrder.unscoped.filter(event=event).first()
    if order is None:
        return
    HotlineOrder.unscoped.filter(pk=order.pk).update(
        answer=event.result, delivery=HotlineOrder.Delivery.PENDING, next_try_at=timezone.now()
    )
    transaction.on_commit(lambda: deliver(order.pk))


def refer_to_hotline(event: GridEvent, *, due_at: datetime) -> HotlineOrder | None:
    """转12345: an event the grid hands up to the hotline goes to the platform as a referral of ours, pushed
    after the commit and retried like an answer. An event that came from the hotline is not sent back to it."""
    if HotlineOrder.unscoped.filter(event=event).exists():
        return None
    order = HotlineOrder.unscoped.create(
        order_no=f"WG{timezone.localtime(event.reported_at):%Y%m%d}{event.pk:06d}",
        direction=HotlineOrder.Direction.OUTBOUND,
        via="push",
        title=f"{event.category.name}（{event.get_urgency_display()}）",
        content=event.description,
        address=event.place,
        limit_at=due_at,
        event=event,
        delivery=HotlineOrder.Delivery.PENDING,
        next_try_at=timezone.now(),
        area_code=event.area_code,
    )
    transaction.on_commit(lambda: deliver(order.pk))
    return order


def _body(order: HotlineOrder) -> bytes:
    if order.direction == HotlineOrder.Direction.OUTBOUND:
        data = {
            "referral_no": order.order_no,
            "title": order.title,
            "content": order.content,
            "area_code": order.area_code,
            "address": order.address,
            "reported_at": timezone.localtime(order.event.reported_at).isoformat(),
            "limit_at": timezone.localtime(order.limit_at).isoformat(),
        }
    else:
        data = {
            "order_no": order.order_no,
            "result": order.answer,
            "answered_at": timezone.localtime().isoformat(),
            "on_time": timezone.now() <= order.limit_at,
        }
    return json.dumps(data, ensure_ascii=False).encode()


def _post(url: str, body: bytes) -> None:
    if not url.startswith(("http://", "https://")):
        raise OSError("热线平台地址只能是 http:// 或 https://")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json", "X-Hotline-Signature": sign(body)}
    )
    with urllib.request.urlopen(request, timeout=settings.HOTLINE_ANSWER_TIMEOUT) as response:  # noqa: S310 - configured URL
        if response.status >= 300:
            raise urllib.error.HTTPError(url, response.status, "答复未被接收", response.headers, None)


def retry_pause(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour, between deliveries of the same answer."""
    return timedelta(minutes=min(60, 2 ** max(attempts - 1, 0)))


def deliver(order_id: int) -> bool:
    """Post one answer (or one referral of ours); on failure keep the reason and when to try again."""
    order = HotlineOrder.unscoped.select_related("event").get(pk=order_id)
    if order.delivery not in (HotlineOrder.Delivery.PENDING, HotlineOrder.Delivery.FAILED):
        return order.delivery == HotlineOrder.Delivery.SENT
    outbound = order.direction == HotlineOrder.Direction.OUTBOUND
    body = _body(order)
    url = settings.HOTLINE_REFERRAL_URL if outbound else settings.HOTLINE_ANSWER_URL
    now = timezone.now()
    attempts = order.attempts + 1
    try:
        if not url:
            raise OSError("未配置热线转办地址" if outbound else "未配置热线答复地址")
        _post(url, body)
    except urllib.error.HTTPError as exc:
        reason = f"热线平台拒收（状态码{exc.code}）"
    except urllib.error.URLError:
        reason = "无法连接热线平台"
    except TimeoutError:
        reason = "热线平台无响应（超时）"
    except OSError as exc:
        reason = str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)) else "无法连接热线平台"
    else:
        reason = ""
    if reason:
        HotlineOrder.unscoped.filter(pk=order.pk).update(
            delivery=HotlineOrder.Delivery.FAILED,
            attempts=attempts,
            last_error=reason[:300],
            next_try_at=now + retry_pause(attempts),
        )
        log.warning("12345 %s %s not delivered: %s", "referral" if outbound else "answer", order.order_no, reason)
        return False
    HotlineOrder.unscoped.filter(pk=order.pk).update(
        delivery=HotlineOrder.Delivery.SENT, attempts=attempts, last_error="", delivered_at=now, next_try_at=None
    )
    EventStep.objects.create(
        event=order.event,
        kind=EventStep.Kind.ANSWERED,
        actor_name="系统",
        text=f"已推送至12345平台（转办编号{order.order_no}）" if outbound else "答复已送达12345平台",
    )
    return True


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Every answer waiting or failed whose pause is over (the retry run)."""
    now = now or timezone.now()
    due = HotlineOrder.unscoped.filter(
        delivery__in=[HotlineOrder.Delivery.PENDING, HotlineOrder.Delivery.FAILED], next_try_at__lte=now
    ).values_list("pk", flat=True)
    sent = sum(deliver(pk) for pk in list(due))
    return {"已送达答复": sent}


def deliver_due_today(on_date) -> dict:
    return deliver_due()
