"""Webhooks: other systems are told of the events they subscribed to, signed, retried, once.

An event (a death recorded, an enrolment started/changed/stopped, a case replied) is *published*
inside the transaction that made it: one `WebhookDelivery` row per subscription that wants it (the
subscriber's client is not revoked, holds the event's scope, and its area covers the event's area).
So an event is queued exactly when it happened — a rolled-back death queues nothing.

After the commit a background task sends what is due. A delivery is claimed with a conditional
UPDATE before it is sent, so two workers never send the same one at the same time; a 2xx answer
marks it delivered and it is never sent again; anything else schedules the next try after 1, 2, 4,
8 … minutes (at most 6 hours), and after MAX_ATTEMPTS it stops (shown on the delivery log, where an
administrator can send it again). The body carries the event id, so a receiver that got an event
and failed to answer can recognise the second copy.

Each request is signed with the client's webhook secret:
  X-Minzheng-Timestamp: <unix seconds>
  X-Minzheng-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from areas.jurisdiction import system_scope
from partners.credentials import webhook_secret
from partners.models import PartnerClient, WebhookDelivery, WebhookSubscription
from partners.scopes import EVENT_SCOPE

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
TIMEOUT_SECONDS = 10
CLAIM_SECONDS = 60
USER_AGENT = "minzheng-webhooks/1"


def retry_pause(attempts: int) -> timedelta:
    """After the n-th failed try: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return timedelta(minutes=min(360, 2 ** max(attempts - 1, 0)))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _covers(client_area: str, area_code: str) -> bool:
    from areas.codes import prefix_of

    return area_code.startswith(prefix_of(client_area))


def publish(event_type: str, *, area_code: str, data, occurred_at: datetime | None = None) -> int:
    """Queue the event for every subscription that may have it; returns how many were queued.
    `data` is a dict, or a function returning it (called only when someone subscribed)."""
    scope = EVENT_SCOPE[event_type]
    with system_scope():
        subscriptions = [
            s
            for s in WebhookSubscription.objects.filter(active=True, client__revoked_at__isnull=True).select_related(
                "client"
            )
            if event_type in (s.events or []) and s.client.has_scope(scope) and _covers(s.client.area_code, area_code)
        ]
        if not subscriptions:
            return 0
        event_id = uuid.uuid4()
        occurred = (occurred_at or timezone.now()).astimezone(timezone.get_current_timezone())
        body = json.dumps(
            {
                "id": str(event_id),
                "type": event_type,
                "occurred_at": occurred.isoformat(),
                "area_code": area_code,
                "data": data() if callable(data) else data,
            },
            ensure_ascii=False,
            cls=DjangoJSONEncoder,
            sort_keys=True,
        )
        now = timezone.now()
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                subscription=s,
                area_code=s.area_code,
                event_id=event_id,
                event_type=event_type,
                body=body,
                next_try_at=now,
            )
            for s in subscriptions
        )
    transaction.on_commit(wake_up)
    return len(subscriptions)


def _post(url: str, body: bytes, headers: dict) -> int:
    if not url.startswith(("http://", "https://")):
        raise OSError("接收地址只能是 http:// 或 https://")
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    due = Q(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING], next_try_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, claimed_until__lt=now
    )
    claimed = WebhookDelivery.unscoped.filter(due, pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
    )
    if not claimed:
        return None
    return WebhookDelivery.unscoped.select_related("subscription__client").get(pk=delivery_id)


def deliver(delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery if it is due and nobody else is sending it; True when it was delivered now."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    client: PartnerClient = delivery.subscription.client
    if client.revoked_at is not None or not delivery.subscription.active:
        WebhookDelivery.unscoped.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.GAVE_UP, last_error="客户端已吊销或订阅已停用", next_try_at=None
        )
        return False
    body = delivery.body.encode()
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Minzheng-Event": delivery.event_type,
        "X-Minzheng-Event-Id": str(delivery.event_id),
        "X-Minzheng-Timestamp": timestamp,
        "X-Minzheng-Signature": sign(webhook_secret(client), timestamp, body),
    }
    attempts = delivery.attempts + 1
    status_code = None
    try:
        status_code = _post(delivery.subscription.url, body, headers)
        reason = "" if 200 <= status_code < 300 else f"对方拒收（响应码{status_code}）"
    except TimeoutError:
        reason = "对方无响应（超时）"
    except (urllib.error.URLError, OSError) as exc:
        text = str(exc)
        reason = text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "无法连接接收地址"
    sent_at = timezone.now()
    if not reason:
        WebhookDelivery.unscoped.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            last_status_code=status_code,
            last_error="",
            delivered_at=sent_at,
            next_try_at=None,
            claimed_until=None,
        )
        return True
    gave_up = attempts >= MAX_ATTEMPTS
    WebhookDelivery.unscoped.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.GAVE_UP if gave_up else WebhookDelivery.Status.RETRYING,
        attempts=attempts,
        last_status_code=status_code,
        last_error=reason[:300],
        next_try_at=None if gave_up else now + retry_pause(attempts),
        claimed_until=None,
    )
    log.warning("webhook %s to %s failed (%s): %s", delivery.event_id, client.client_id, attempts, reason)
    return False


def deliver_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Every delivery whose time has come (at most `limit` a run; the next run takes the rest)."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.unscoped.filter(
            Q(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING], next_try_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, claimed_until__lt=now)
        )
        .order_by("next_try_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    delivered = sum(deliver(pk, now) for pk in ids)
    return {"送达": delivered, "未送达": len(ids) - delivered}


def next_due() -> datetime | None:
    return (
        WebhookDelivery.unscoped.filter(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING])
        .order_by("next_try_at")
        .values_list("next_try_at", flat=True)
        .first()
    )


@task()
def deliver_webhooks() -> None:
    """The background task: send what is due, then book one wake-up for the next retry."""
    with system_scope():
        deliver_due()
        schedule_next()


def schedule_next() -> None:
    """One deferred run for the earliest retry (queues that cannot defer wait for the daily run)."""
    when = next_due()
    if when is None or not default_task_backend.supports_defer:
        return
    when = max(when, timezone.now() + timedelta(seconds=5))
    if cache.add(f"partners:wakeup:{int(when.timestamp()) // 60}", 1, timeout=3600):
        deliver_webhooks.using(run_after=when).enqueue()


def wake_up() -> None:
    """After a commit that queued deliveries: send them in the background."""
    try:
        deliver_webhooks.enqueue()
    except Exception:  # the queue is down: the daily run and the next event pick them up
        log.exception("could not queue webhook deliveries")


def resend(delivery: WebhookDelivery) -> None:
    """An administrator sends a stopped or failed delivery again (same event id)."""
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status__in=[WebhookDelivery.Status.GAVE_UP, WebhookDelivery.Status.RETRYING]
    ).update(status=WebhookDelivery.Status.RETRYING, next_try_at=timezone.now(), attempts=0)
    transaction.on_commit(wake_up)


def deliver_due_today(on_date) -> dict:
    """The daily safety net of the scheduler (jobs.periodic)."""
    return deliver_due()
