"""The 医保局 through the partners' API: it fetches the eligible persons (class, validity) as a JSON
Lines batch valid against the published schema — in full, then only the changes — and posts back
the assistance paid, which lands in the household's payments exactly as the file import does; a
bad line refuses the whole batch, and a client without the medical scopes is refused."""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from ledger.models import Enrolment
from medical.models import ExchangeFile, MedicalPayment, SentPerson
from partners import exchange
from partners.tests.factories import bearer, issue
from registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
ELIGIBLE = "/api/v1/partners/exchange/medical_eligible"
BATCHES = "/api/v1/partners/batches"


@pytest.fixture
def bureau(township_a):
    return issue(
        scopes=["medical:read", "medical:write", "batches:write"], name="医保信息平台", area_code="430522000000"
    )


@pytest.fixture
def families():
    dibao = HouseholdFactory(head__name="王低保")
    Enrolment.objects.create(
        programme="dibao",
        household=dibao,
        area_code=dibao.area_code,
        monthly_amount=Decimal("500"),
        start_month=date(2025, 1, 1),
        last_reviewed_on=date(2025, 1, 1),
    )
    tekun = HouseholdFactory(head__name="孙特困")
    Enrolment.objects.create(
        programme="tekun",
        household=tekun,
        beneficiary=tekun.head,
        area_code=tekun.area_code,
        monthly_amount=Decimal("900"),
        start_month=date(2025, 6, 1),
        last_reviewed_on=date(2025, 6, 1),
    )
    return {"dibao": dibao, "tekun": tekun}


def _lines(response):
    body = response.content
    assert hashlib.sha256(body).hexdigest() == response["X-Batch-SHA256"]
    header, *records = [json.loads(line) for line in body.decode().splitlines()]
    assert exchange.validate(header, "header") == []
    for record in records:
        assert exchange.validate(record, "medical_eligible") == []
    return header, records


def test_the_bureau_fetches_the_eligible_list_then_only_the_changes(client, bureau, families):
    response = client.get(ELIGIBLE, headers=bearer(bureau.credential))
    assert response.status_code == 200
    header, records = _lines(response)
    assert header["kind"] == "medical_eligible" and header["records"] == 2
    by_name = {r["name"]: r for r in records}
    assert by_name["孙特困"]["aid_class"] == "01" and by_name["孙特困"]["valid_from"] == "2025-06-01"
    assert by_name["王低保"]["aid_class_label"] == "最低生活保障对象" and by_name["王低保"]["valid_to"] is None
    assert {r["change"] for r in records} == {"new"}
    assert SentPerson.objects.count() == 2 and ExchangeFile.objects.filter(kind="full").count() == 1

    assert _lines(client.get(ELIGIBLE + "?delta=true", headers=bearer(bureau.credential)))[1] == []
    Enrolment.objects.filter(programme="tekun").update(status="stopped", end_month=date(2026, 12, 1))
    _header, changes = _lines(client.get(ELIGIBLE + "?delta=true", headers=bearer(bureau.credential)))
    assert [(r["name"], r["change"]) for r in changes] == [("孙特困", "stopped")]


def _paid_batch(records, batch_id="YB-430522-202611-01"):
    head = {
        "format": "minzheng-exchange",
        "version": "1",
        "batch_id": batch_id,
        "kind": "medical_paid",
        "area_code": "430522000000",
        "records": len(records),
    }
    return ("\n".join(json.dumps(x, ensure_ascii=False) for x in [head, *records]) + "\n").encode()


def _post(client, credential, body):
    return client.generic(
        "POST",
        BATCHES,
        body,
        content_type="application/x-ndjson",
        headers={**bearer(credential), "X-Batch-SHA256": hashlib.sha256(body).hexdigest()},
    )


def test_the_bureau_posts_the_assistance_paid_all_or_nothing(client, bureau, families):
    head = families["dibao"].head
    good = {
        "id_number": head.id_number,
        "name": head.name,
        "settlement_no": "JS2026110001",
        "settled_on": "2026-11-12",
        "hospital": "县人民医院",
        "total_cost": "12000.00",
        "insurance_paid": "7000",
        "aid_paid": "3000.50",
        "self_paid": "1999.50",
    }
    bad = {**good, "settlement_no": "JS2026110002", "aid_paid": "13000"}
    refused = _post(client, bureau.credential, _paid_batch([good, bad], batch_id="YB-1"))
    assert refused.status_code == 422 and "第3行：医疗救助支付大于医疗总费用" in refused.json()["errors"]
    assert not MedicalPayment.objects.exists()

    stored = _post(client, bureau.credential, _paid_batch([good], batch_id="YB-2"))
    assert stored.status_code == 201 and stored.json()["result"]["导入支付明细"] == 1
    payment = MedicalPayment.objects.get()
    assert payment.household_id == families["dibao"].pk and payment.aid_paid == Decimal("3000.50")
    again = _post(client, bureau.credential, _paid_batch([good], batch_id="YB-2"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert MedicalPayment.objects.count() == 1


def test_a_client_without_the_medical_scopes_is_refused(client, township_a, families):
    other = issue(scopes=["enrolments:read", "batches:write"], name="人社系统", area_code="430522000000")
    assert client.get(ELIGIBLE, headers=bearer(other.credential)).status_code == 403
    record = {
        "id_number": families["dibao"].head.id_number,
        "settlement_no": "JS1",
        "settled_on": "2026-11-12",
        "total_cost": "10",
        "aid_paid": "1",
    }
    assert _post(client, other.credential, _paid_batch([record])).status_code == 403
    assert client.get("/api/v1/partners/exchange/nothing", headers=bearer(other.credential)).status_code == 404
