"""The administrator's pages: a client is issued with its secret shown once, revoked with a reason,
given a subscription only for events its scopes allow; the delivery log and the batches list show
and export what happened; other roles and other areas get nothing."""

import json

import pytest
from django.urls import reverse

from partners.models import PartnerClient, WebhookDelivery, WebhookSubscription
from partners.tests.factories import TOWNSHIP_A, bearer, issue, subscribe

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_client_and_sees_the_secret_once(client, admin_user, township_a):
    client.force_login(admin_user)
    form = client.get(reverse("partners:client_new"))
    assert form.status_code == 200 and "授权范围" in form.text
    response = client.post(
        reverse("partners:client_new"),
        {
            "name": "人社局养老保险系统",
            "department": "县人力资源和社会保障局",
            "area_code": "430522000000",
            "scopes": ["registry:read", "deaths:read"],
            "rate_limit_per_minute": "60",
        },
    )
    assert response.status_code == 200 and "只显示这一次" in response.text
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    issued = PartnerClient.objects.get()
    credential = response.context["issued"].credential
    assert credential in response.text and credential.startswith(issued.client_id + ".")
    detail = client.get(reverse("partners:client", args=[issued.pk]))
    assert credential.split(".", 1)[1] not in detail.text  # never shown again
    assert client.get("/api/v1/partners/me", headers=bearer(credential)).status_code == 200


def test_an_administrator_revokes_a_client(client, admin_user, township_a):
    issued = issue(scopes=["registry:read"])
    client.force_login(admin_user)
    refused = client.post(reverse("partners:client_revoke", args=[issued.client.pk]), {"reason": ""}, follow=True)
    assert "请填写吊销原因" in refused.text
    client.post(reverse("partners:client_revoke", args=[issued.client.pk]), {"reason": "系统下线"})
    client.logout()
    assert client.get("/api/v1/partners/me", headers=bearer(issued.credential)).status_code == 401


def test_a_subscription_needs_the_scope_of_its_events(client, admin_user, township_a):
    issued = issue(scopes=["deaths:read"])
    client.force_login(admin_user)
    url = reverse("partners:client", args=[issued.client.pk])
    refused = client.post(url, {"url": "https://ylbx.example.gov.cn/hooks", "events": ["enrolment.started"]})
    assert "没有接收这些事件所需的授权" in refused.text and not WebhookSubscription.objects.exists()
    client.post(url, {"url": "https://ylbx.example.gov.cn/hooks", "events": ["person.died"]})
    assert WebhookSubscription.objects.get().events == ["person.died"]


def test_the_delivery_log_shows_attempts_and_exports(client, admin_user, township_a, village_a):
    from datetime import date

    from registry.services import register_death
    from registry.tests.factories import PersonFactory

    issued = issue(scopes=["deaths:read"])
    subscribe(issued.client, "http://127.0.0.1:9/closed", ["person.died"])
    register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
    from partners.webhooks import deliver_due

    deliver_due()
    client.force_login(admin_user)
    page = client.get(reverse("partners:deliveries"))
    assert "居民死亡已登记" in page.text and "无法连接接收地址" in page.text and "已尝试 1 次" in page.text
    export = client.get(reverse("partners:deliveries") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    delivery = WebhookDelivery.objects.get()
    client.post(reverse("partners:delivery_resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and delivery.attempts == 0
    assert json.loads(delivery.body)["type"] == "person.died"


def test_other_roles_and_other_areas_see_nothing(client, clerk_a, township_a, township_b, county_bureau):
    from accounts.tests.factories import StaffFactory

    issued = issue(scopes=["registry:read"], area_code="430522100000")
    client.force_login(clerk_a)
    for name in ("partners:clients", "partners:deliveries", "partners:batches", "partners:client_new"):
        assert client.get(reverse(name)).status_code == 403
    township_admin = StaffFactory(unit=township_b, roles=["admin"])
    client.force_login(township_admin)
    assert client.get(reverse("partners:client", args=[issued.client.pk])).status_code == 404
    assert issued.client.name not in client.get(reverse("partners:clients")).text


def _workbook_rows(response) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_lists_export_to_excel(client, admin_user, township_a):
    """The clients' workbook lists the issued client as the page does, its scope in Chinese (no raw
    scope code), valid; the batches' workbook has its columns and no batch yet."""
    issued = issue(scopes=["registry:read"])
    client.force_login(admin_user)
    clients = _workbook_rows(client.get(reverse("partners:clients") + "?export=xlsx"))
    assert clients[0][:5] == ("系统名称", "所属部门", "客户端编号", "区划代码", "授权范围")
    (row,) = clients[1:]
    assert row[:4] == ("人社局养老保险系统", "县人力资源和社会保障局", issued.client.client_id, TOWNSHIP_A)
    assert row[4] and "registry" not in row[4] and row[-1] == "有效"
    batches = _workbook_rows(client.get(reverse("partners:batches") + "?export=xlsx"))
    assert batches == [
        ("接收/生成时间", "方向", "客户端", "批次编号", "数据类别", "记录条数", "SHA-256", "状态", "处理结果")
    ]
