"""Webhooks: a death, an enrolment's start/change/stop and a case's reply reach the receivers that
subscribed (within their area and scope), signed; a receiver that fails twice gets the event on the
third try, once; back-off grows; a revoked client is sent nothing more."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.services import adjust_amount, enrol, stop
from partners import webhooks
from partners.credentials import revoke_client
from partners.models import WebhookDelivery
from partners.tests.factories import issue, subscribe
from partners.tests.receiver import Receiver
from policy.tests.factories import local_amounts
from registry.services import register_death
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try_once(township_a, village_a):
    issued = issue(scopes=["deaths:read"], name="县医保局系统")
    person = PersonFactory(area_code="430522100201")
    with Receiver(statuses=[500, 503, 200], secret=issued.webhook_secret) as receiver:
        subscribe(issued.client, receiver.url, ["person.died"])
        register_death(person, died_on=date(2026, 11, 30))
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        tries = [webhooks.deliver_due(now=start + timedelta(minutes=m)) for m in (0, 0.5, 1, 2, 3, 10, 100, 1000)]
    assert [r["status"] for r in receiver.received] == [500, 503, 200]
    assert {r["event_id"] for r in receiver.received} == {str(delivery.event_id)}
    assert all(r["signed"] for r in receiver.received)
    body = json.loads(receiver.received[-1]["body"])
    assert body["id"] == str(delivery.event_id) and body["type"] == "person.died"
    assert body["data"]["id_number"] == person.id_number and body["data"]["died_on"] == "2026-11-30"
    # 0 min: 1st try fails → next after 1 min; 0.5 min: not due; 1 min: 2nd fails → +2 min; 3 min: delivered
    assert [t["送达"] for t in tries] == [0, 0, 0, 0, 1, 0, 0, 0]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)


def test_back_off_doubles_up_to_six_hours():
    assert [webhooks.retry_pause(n).total_seconds() / 60 for n in (1, 2, 3, 4, 9, 10, 20)] == [
        1,
        2,
        4,
        8,
        256,
        360,
        360,
    ]


def test_a_delivery_that_keeps_failing_stops_and_can_be_sent_again(township_a, village_a):
    issued = issue(scopes=["deaths:read"])
    with Receiver(statuses=[500], secret=issued.webhook_secret) as receiver:
        subscribe(issued.client, receiver.url, ["person.died"])
        register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
        now = timezone.now()
        for _ in range(webhooks.MAX_ATTEMPTS + 2):
            webhooks.deliver_due(now=now)
            now += timedelta(hours=7)
        assert len(receiver.received) == webhooks.MAX_ATTEMPTS
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "gave_up" and delivery.next_try_at is None and "500" in delivery.last_error
        receiver.statuses = [200]
        webhooks.resend(delivery)
        webhooks.deliver_due(now=timezone.now() + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert {r["event_id"] for r in receiver.received} == {str(delivery.event_id)}


def test_an_unreachable_receiver_is_retried_with_its_reason(township_a, village_a):
    issued = issue(scopes=["deaths:read"])
    subscribe(issued.client, "http://127.0.0.1:9/closed", ["person.died"])
    register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
    assert webhooks.deliver_due()["未送达"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying" and delivery.last_error == "无法连接接收地址"


def test_events_reach_only_subscribers_of_the_area_with_the_scope(township_a, township_b, village_a):
    here = issue(scopes=["deaths:read", "enrolments:read"], area_code="430522100000")
    elsewhere = issue(scopes=["deaths:read"], area_code="430522101000", name="严塘镇系统")
    unscoped = issue(scopes=["registry:read"], name="无通知权限的系统")
    subscribe(here.client, "http://127.0.0.1:9/here", ["person.died"])
    subscribe(elsewhere.client, "http://127.0.0.1:9/elsewhere", ["person.died"])
    subscribe(unscoped.client, "http://127.0.0.1:9/unscoped", ["person.died"])
    register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
    assert list(WebhookDelivery.objects.values_list("subscription__url", flat=True)) == ["http://127.0.0.1:9/here"]


def test_enrolments_starting_changing_and_stopping_are_told(township_a, village_a):
    local_amounts()
    issued = issue(scopes=["enrolments:read"])
    subscribe(issued.client, "http://127.0.0.1:9/r", ["enrolment.started", "enrolment.changed", "enrolment.stopped"])
    household = HouseholdFactory(area_code="430522100201")
    enrolment = enrol(
        programme="dibao", household=household, monthly_amount=Decimal("420.00"), decided_on=date(2026, 10, 20)
    )
    adjust_amount(enrolment, new_amount=Decimal("380.00"), decided_on=date(2026, 11, 10), reason="收入增加")
    stop(enrolment, decided_on=date(2026, 12, 1), reason="家庭收入超过标准")
    bodies = [json.loads(b) for b in WebhookDelivery.objects.order_by("id").values_list("body", flat=True)]
    assert [b["type"] for b in bodies] == ["enrolment.started", "enrolment.changed", "enrolment.stopped"]
    assert bodies[1]["data"]["change"]["amount_after"] == "380.00"
    assert bodies[2]["data"]["status"] == "stopped" and bodies[2]["data"]["household_number"] == household.number
    assert len({b["id"] for b in bodies}) == 3


def test_a_case_reply_is_told(township_a, village_a, worker_a):
    from cases.actions import reject_case
    from cases.replies import issue_reply
    from cases.services import accept_application
    from cases.tests.factories import DAY, give_documents, item

    issued = issue(scopes=["cases:read"])
    subscribe(issued.client, "http://127.0.0.1:9/r", ["case.replied"])
    household = HouseholdFactory(area_code="430522100201")
    give_documents(
        household, ["id_card", "household_booklet", "application_form", "disability_certificate", "bank_card"]
    )
    case = accept_application(user=worker_a, item=item("disability_living"), household=household, on_date=DAY).case
    step = case.steps.get(order=1)
    reject_case(user=worker_a, step_id=step.pk, expected_version=0, on_date=DAY, reason="不符合条件")
    case.refresh_from_db()
    issue_reply(user=worker_a, case=case, on_date=DAY)
    body = json.loads(WebhookDelivery.objects.get().body)
    assert body["type"] == "case.replied" and body["data"]["receipt_no"] == case.receipt_no
    assert body["data"]["outcome"] == case.status


def test_a_revoked_client_is_sent_nothing_more(township_a, village_a, admin_user):
    issued = issue(scopes=["deaths:read"])
    with Receiver(statuses=[200], secret=issued.webhook_secret) as receiver:
        subscribe(issued.client, receiver.url, ["person.died"])
        register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
        revoke_client(issued.client, user=admin_user, reason="停用")
        register_death(PersonFactory(area_code="430522100201"), died_on=date(2026, 11, 30))
        webhooks.deliver_due()
    assert receiver.received == []
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["gave_up"]


def test_a_rolled_back_death_tells_nobody(township_a, village_a):
    from django.db import transaction

    issued = issue(scopes=["deaths:read"])
    subscribe(issued.client, "http://127.0.0.1:9/r", ["person.died"])
    person = PersonFactory(area_code="430522100201")
    with pytest.raises(RuntimeError), transaction.atomic():
        register_death(person, died_on=date(2026, 11, 30))
        raise RuntimeError("页面出错")
    assert not WebhookDelivery.objects.exists()
