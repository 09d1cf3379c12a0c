"""The phone's outbox in one request (/grid/sync/batch/): each item answered on its own — stored,
duplicate (sent before, or twice in the batch), conflict, refused with the reason in Chinese — the good
ones stored even when one is bad; photo and batch size limits; a worker cannot post into another
village; the statements of a batch do not grow with its items."""

import base64
import json
import uuid

import pytest
from django.urls import reverse

from grid import sync
from grid.models import EventPhoto, EventStep, GridEvent, Visit

pytestmark = pytest.mark.django_db
PHOTO = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0" + b"x" * 50_000).decode()
OTHER_VILLAGE = "430522100202"


def event(**fields) -> dict:
    data = {"category": "hardship", "description": "房屋漏雨，老人行动不便", **fields}
    return {"kind": "event", "client_id": str(uuid.uuid4()), "fields": data, "photos": [PHOTO]}


def visit(household, **fields) -> dict:
    data = {"household": household.pk, "seen": "户主本人", "needs": "无", **fields}
    return {"kind": "visit", "client_id": str(uuid.uuid4()), "fields": data, "photos": [PHOTO]}


def send(client, items):
    return client.post(reverse("grid:sync_batch"), json.dumps({"items": items}), content_type="application/json")


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [a["status"] for a in response.json()["results"]]


def test_a_batch_is_stored_once_however_often_it_is_sent_and_whatever_it_repeats(client, minsheng, household):
    client.force_login(minsheng)
    first, second, third = event(), visit(household), event(urgency="emergency")
    response = send(client, [first, second, first, third])
    assert statuses(response) == ["stored", "stored", "duplicate", "stored"]
    assert response.json()["results"][2]["message"] == "已保存过，未重复保存"
    assert (GridEvent.objects.count(), Visit.objects.count(), EventPhoto.objects.count()) == (2, 1, 3)
    # the phone did not hear the answer and sends everything again
    assert statuses(send(client, [first, second, third])) == ["duplicate"] * 3
    assert (GridEvent.objects.count(), Visit.objects.count(), EventPhoto.objects.count()) == (2, 1, 3)
    # stored as the report page stores them: the village holds an ordinary one, 110 an emergency
    ordinary = GridEvent.objects.get(client_id=first["client_id"])
    assert (ordinary.handler_unit, ordinary.reporter, ordinary.area_code) == (
        minsheng.unit,
        minsheng,
        minsheng.area_code,
    )
    assert ordinary.steps.get().kind == EventStep.Kind.REPORTED and ordinary.due_at is not None
    assert "110" in GridEvent.objects.get(client_id=third["client_id"]).steps.get().text
    assert ordinary.photos.get().image.read() == base64.b64decode(PHOTO.split(",", 1)[1])


def test_one_bad_item_is_refused_with_its_reason_and_the_good_ones_are_stored(client, minsheng, household):
    client.force_login(minsheng)
    items = [
        event(),
        event(description="  "),
        visit(household, seen=""),
        {"kind": "note", "client_id": str(uuid.uuid4()), "fields": {}},
        {"kind": "event", "client_id": "not-an-id", "fields": {}},
        "not an item",
        visit(household),
    ]
    answers = send(client, items).json()["results"]
    assert [(a["status"], a["message"]) for a in answers] == [
        ("stored", "事件已上报"),
        ("refused", "请填写情况描述"),
        ("refused", "请填写见到的人"),
        ("refused", "记录类型不正确"),
        ("refused", "记录编号不正确，请重新填写"),
        ("refused", "记录格式不正确"),
        ("stored", "走访已登记"),
    ]
    assert GridEvent.objects.count() == 1 and Visit.objects.count() == 1
    # a refused item sent again (after the worker fixed it on the phone) is stored then
    fixed = {**items[1], "fields": {**items[1]["fields"], "description": "补充：屋顶漏雨"}}
    assert statuses(send(client, [fixed])) == ["stored"]


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        (["data:image/jpeg;base64," + base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()], "照片太大"),
        ([PHOTO] * 7, "照片最多6张"),
        (["data:text/plain;base64,eA=="], "照片格式不正确"),
        ("一张照片", "照片格式不正确"),
    ],
)
def test_photos_over_the_limits_are_refused_and_the_rest_stored(client, minsheng, photos, message, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # a site that lets a whole 2 MB photo through
    client.force_login(minsheng)
    answers = send(client, [{**event(), "photos": photos}, event()]).json()["results"]
    assert answers[0]["status"] == "refused" and message in answers[0]["message"]
    assert answers[1]["status"] == "stored"
    assert GridEvent.objects.count() == 1 and EventPhoto.objects.count() == 1


def test_a_batch_too_large_is_refused_whole_with_the_reason(client, minsheng, monkeypatch):
    client.force_login(minsheng)
    response = send(client, [{**event(), "photos": []} for _ in range(sync.MAX_BATCH_ITEMS + 1)])
    assert response.status_code == 413 and "请分批发送" in response.json()["message"]
    monkeypatch.setattr(sync, "MAX_BATCH_BYTES", 100_000)
    response = send(client, [event(), event()])
    assert response.status_code == 413 and "请分批发送" in response.json()["message"]
    assert not GridEvent.objects.exists()
    for body in ("not json", json.dumps({"items": "x"}), json.dumps([1])):
        response = client.post(reverse("grid:sync_batch"), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["message"] == "记录格式不正确"


def test_a_worker_cannot_post_into_another_village(client, minsheng, household):
    from accounts.tests.factories import ensure_area
    from registry.tests.factories import HouseholdFactory

    ensure_area(OTHER_VILLAGE, "城东社区")
    elsewhere = HouseholdFactory(area_code=OTHER_VILLAGE)
    client.force_login(minsheng)
    answers = send(client, [visit(elsewhere), event(household=elsewhere.pk), event(household=household.pk)])
    answers = answers.json()["results"]
    assert [a["status"] for a in answers] == ["refused", "refused", "stored"]
    assert answers[0]["message"] == answers[1]["message"] == "找不到该家庭，或不在您的管辖范围"
    assert not Visit.objects.exists()
    assert list(GridEvent.objects.values_list("area_code", flat=True)) == [household.area_code]


def test_someone_who_may_not_report_is_refused_item_by_item(client, approver, household):
    client.force_login(approver)
    answers = send(client, [event(), visit(household)]).json()["results"]
    assert [a["message"] for a in answers] == ["您没有上报网格事件的权限", "您没有入户走访的权限"]
    assert not GridEvent.objects.exists() and not Visit.objects.exists()


def test_a_visit_in_conflict_is_stored_and_answered_as_a_conflict(client, minsheng, household):
    from grid.visits import household_stamp

    stamp = household_stamp(household)
    household.address = "经办员刚改的地址"
    household.save()
    client.force_login(minsheng)
    (answer,) = send(client, [visit(household, base_stamp=stamp)]).json()["results"]
    assert answer["status"] == "conflict" and "已在系统中被修改" in answer["conflict"]
    assert Visit.objects.get().conflict == answer["conflict"]
    household.refresh_from_db()
    assert household.address == "经办员刚改的地址"


def test_a_visit_noting_a_change_in_a_batch_opens_the_review(client, minsheng, household):
    from cases.models import Case
    from grid.tests.test_visits import in_payment

    in_payment(household)
    client.force_login(minsheng)
    changed = visit(household, income_changed="1", monthly_income="2600", income_note="儿子外出务工")
    answers = send(client, [event(), changed, visit(household)]).json()["results"]
    assert [a["status"] for a in answers] == ["stored"] * 3
    case = Case.objects.get(household=household, item__code="dibao_change")
    assert case.receipt_no in answers[1]["message"]
    assert case.receipt_no in Visit.objects.get(client_id=changed["client_id"]).started
    assert statuses(send(client, [changed])) == ["duplicate"]
    assert Case.objects.filter(household=household, item__code="dibao_change").count() == 1


def test_a_send_crossing_another_stores_each_item_once(client, minsheng, household, monkeypatch):
    """Two sends of the same items at once: the second's check found nothing, its bulk write meets
    the unique id, and it stores item by item — what the first stored is answered as a duplicate."""
    client.force_login(minsheng)
    first = event()
    assert statuses(send(client, [first])) == ["stored"]
    monkeypatch.setattr(sync, "_sent_before", lambda items: set())  # as if checked before the first committed
    assert statuses(send(client, [event(), first, visit(household)])) == ["stored", "duplicate", "stored"]
    assert GridEvent.objects.count() == 2 and Visit.objects.count() == 1
    assert EventPhoto.objects.count() == 3


def test_the_statements_of_a_batch_do_not_grow_with_its_items(client, minsheng, household):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(minsheng)
    send(client, [event()])  # the session's first request reads what later ones have
    counts = []
    for size in (2, 20):
        items = [event(persons=[household.head_id]) if n % 3 else visit(household) for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            assert set(statuses(send(client, items))) == {"stored"}
        # the session's own refresh (once a minute, accounts.middleware) falls on a request by the clock
        counts.append(sum("django_session" not in q["sql"] for q in queries.captured_queries))
    assert counts[0] == counts[1], counts
    assert GridEvent.objects.filter(persons=household.head).count() == 1 + 13
    assert counts[0] <= 16


def test_the_single_item_endpoint_answers_as_before(client, minsheng, household):
    client.force_login(minsheng)
    url = reverse("grid:sync")
    item = event()
    assert client.post(url, json.dumps(item), content_type="application/json").status_code == 201
    response = client.post(url, json.dumps(item), content_type="application/json")
    assert response.status_code == 200 and response.json()["created"] is False
    big = {**event(), "photos": [PHOTO] * 7}
    response = client.post(url, json.dumps(big), content_type="application/json")
    assert response.status_code == 400 and response.json()["message"] == "照片最多6张"


def test_an_item_larger_than_the_sites_form_limit_is_stored_not_refused_at_the_door(client, minsheng, settings):
    """Six photos of 600 KB make an item of about 4.8 MB: above the 2.5 MB a form may carry, within what
    the outbox endpoint reads itself. The phone sends such an item alone; it is stored, photos and all."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, whatever the test settings say
    photo = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0" + b"y" * 600_000).decode()
    big = {**event(), "photos": [photo] * 6}
    client.force_login(minsheng)
    response = send(client, [big])
    assert statuses(response) == ["stored"]
    assert EventPhoto.objects.count() == 6
    assert statuses(send(client, [big])) == ["duplicate"]
    assert EventPhoto.objects.count() == 6


def test_a_nul_in_the_outbox_is_refused_whole_in_chinese_and_nothing_is_stored(client, minsheng):
    client.force_login(minsheng)
    bad = event(description="房屋漏雨\u0000")
    for url in (reverse("grid:sync_batch"), reverse("grid:sync")):
        body = json.dumps({"items": [event(), bad]} if url.endswith("batch/") else bad)
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "空字符" in response.json()["message"]
    assert not GridEvent.objects.exists()
