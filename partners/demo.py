"""Demo partner systems (make run): the county's 人社 and 公安 systems, the provincial monitoring
platform and one revoked client, with a delivery log and batches both ways. Idempotent: a second
run adds nothing. The demo clients' secrets are shown to nobody; the administrator issues a new
client on the page to try the API."""

import hashlib
import json
import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_area, system_scope, within
from partners import credentials, exchange
from partners.models import ExchangeBatch, PartnerClient, WebhookDelivery, WebhookSubscription

COUNTY = "430522000000"
CLIENTS = [
    (
        "养老保险信息系统",
        "新邵县人力资源和社会保障局",
        ["deaths:read", "enrolments:read", "registry:read"],
        "李科长 0739-3621001",
    ),
    ("人口信息管理系统", "新邵县公安局", ["deaths:write", "batches:write", "registry:read"], "王警官 0739-3622110"),
    ("低收入人口动态监测平台", "湖南省民政厅", ["enrolments:read"], "省厅社会救助处"),
    ("医疗救助结算系统（旧）", "新邵县医疗保障局", ["enrolments:read"], ""),
]
RECEIVER = "https://10.43.22.15:8443/"


def load_partners_demo() -> dict[str, int]:
    with system_scope():
        if PartnerClient.objects.filter(area_code=COUNTY).exists():
            return {"clients": 0, "deliveries": 0, "batches": 0}
        admin = User.objects.filter(username="admin").first()
        issued = {}
        for name, department, scopes, contact in CLIENTS:
            issued[name] = credentials.issue_client(
                name=name,
                department=department,
                area_code=COUNTY,
                scopes=scopes,
                rate_limit_per_minute=120,
                contact=contact,
                user=admin,
            ).client
        credentials.revoke_client(issued["医疗救助结算系统（旧）"], user=admin, reason="系统升级，改用新平台对接")
        hrss = issued["养老保险信息系统"]
        subscription = WebhookSubscription.objects.create(
            client=hrss,
            area_code=COUNTY,
            url=RECEIVER,
            events=["person.died", "enrolment.started", "enrolment.stopped"],
        )
        deliveries = _demo_deliveries(subscription)
        batches = _demo_batches(issued["人口信息管理系统"], issued["低收入人口动态监测平台"])
    return {"clients": len(issued), "deliveries": deliveries, "batches": batches}


def _demo_deliveries(subscription) -> int:
    now = timezone.now()
    # (event, status, attempts, response code, reason, age in minutes)
    rows = [
        ("enrolment.started", "delivered", 1, 200, "", 2880),
        ("person.died", "delivered", 3, 200, "", 1440),
        ("enrolment.stopped", "retrying", 2, 503, "对方拒收（响应码503）", 3),
        ("person.died", "gave_up", 12, None, "无法连接接收地址", 4000),
    ]
    for event, status, attempts, code, reason, age in rows:
        event_id = uuid.uuid4()
        created = now - timedelta(minutes=age)
        body = {
            "id": str(event_id),
            "type": event,
            "occurred_at": timezone.localtime(created).isoformat(),
            "area_code": "430522100201",
            "data": {"demo": True},
        }
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            area_code=subscription.area_code,
            event_id=event_id,
            event_type=event,
            body=json.dumps(body, ensure_ascii=False),
            status=status,
            attempts=attempts,
            last_status_code=code,
            last_error=reason,
            next_try_at=now + timedelta(minutes=4) if status == "retrying" else None,
            delivered_at=created + timedelta(minutes=3) if status == "delivered" else None,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=created)
    return len(rows)


def _demo_batches(police, province) -> int:
    body = b'{"format": "minzheng-exchange", "version": "1", "batch_id": "GA-430522-202611-001", "kind": "deaths", "area_code": "430522000000", "records": 0}\n'
    ExchangeBatch.objects.create(
        client=police,
        area_code=COUNTY,
        batch_id="GA-430522-202611-001",
        direction=ExchangeBatch.Direction.INBOUND,
        kind="deaths",
        sha256=hashlib.sha256(body).hexdigest(),
        records=0,
        size_bytes=len(body),
        status=ExchangeBatch.Status.APPLIED,
        result={"新登记死亡": 0, "此前已登记": 0},
    )
    with within(scope_for_area(COUNTY)):
        exchange.export_enrolments(province)
    return 2
