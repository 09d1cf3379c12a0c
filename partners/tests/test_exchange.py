"""Batch exchange, format v1: a batch sent twice is stored once, another file under a used id is a
409, one bad line refuses the whole batch with every line's reason, the checksum is checked, and
the enrolments export is valid against the published schema."""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from ledger.services import enrol
from partners import exchange
from partners.models import ExchangeBatch
from partners.tests.factories import bearer, issue
from policy.tests.factories import local_amounts
from registry.models import Person
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/partners/batches"


def batch(records, batch_id="GA-430522-202612-001", **header):
    head = {
        "format": "minzheng-exchange",
        "version": "1",
        "batch_id": batch_id,
        "kind": "deaths",
        "area_code": "430522100000",
        "records": len(records),
        **header,
    }
    return ("\n".join(json.dumps(x, ensure_ascii=False) for x in [head, *records]) + "\n").encode()


def death(person, **overrides):
    return {"id_number": person.id_number, "name": person.name, "died_on": "2026-11-28", "source": "death", **overrides}


def upload(client, credential, body, checksum=None):
    return client.generic(
        "POST",
        URL,
        body,
        content_type="application/x-ndjson",
        headers={**bearer(credential), "X-Batch-SHA256": checksum or hashlib.sha256(body).hexdigest()},
    )


@pytest.fixture
def police(township_a):
    return issue(scopes=["batches:write", "deaths:write"], name="公安人口系统")


@pytest.fixture
def people(village_a):
    return [PersonFactory(area_code="430522100201") for _ in range(3)]


def test_a_batch_sent_twice_is_stored_once(client, police, people):
    body = batch([death(p) for p in people])
    first = upload(client, police.credential, body)
    again = upload(client, police.credential, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["result"] == {"新登记死亡": 3, "此前已登记": 0}
    assert again.json()["duplicate"] is True and again.json()["result"] == first.json()["result"]
    assert ExchangeBatch.objects.count() == 1
    assert Person.objects.filter(life_status="deceased").count() == 3
    status = client.get(f"{URL}/GA-430522-202612-001", headers=bearer(police.credential))
    assert status.json()["sha256"] == hashlib.sha256(body).hexdigest()


def test_another_file_under_a_used_batch_id_is_refused(client, police, people):
    upload(client, police.credential, batch([death(people[0])]))
    other = upload(client, police.credential, batch([death(people[1])]))
    assert other.status_code == 409 and other.json()["code"] == "batch_conflict"
    assert Person.objects.get(pk=people[1].pk).life_status != "deceased"


def test_one_bad_line_refuses_the_whole_batch_with_every_reason(client, police, people):
    stranger = PersonFactory.build(area_code="430522100201")
    records = [
        death(people[0]),
        death(people[1], died_on="2026-13-40"),
        death(people[2], name="别人"),
        death(stranger),
        {"id_number": people[0].id_number},
    ]
    response = upload(client, police.credential, batch(records))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [
        "第3行：“死亡日期”不是有效日期",
        "第6行：缺少“姓名”",
        "第6行：缺少“死亡日期”",
        "第6行：缺少“信息来源”",
    ]
    fixed = [r for r in records[:4] if r.get("died_on") != "2026-13-40"]
    response = upload(client, police.credential, batch(fixed, batch_id="GA-2"))
    assert response.status_code == 422
    assert any("第3行：身份证号" in e and "姓名" in e for e in response.json()["errors"])
    assert any("第4行：辖区居民库中没有" in e for e in response.json()["errors"])
    assert not ExchangeBatch.objects.exists()
    assert not Person.objects.filter(life_status="deceased").exists()


@pytest.mark.parametrize(
    ("body", "checksum", "code"),
    [
        (b'{"format": "minzheng-exchange"}\n', "0" * 64, "checksum"),
        (b"", None, "bad_input"),
        (b"not json\n", None, "batch_invalid"),
        ("\ufeff中文".encode("gbk", errors="ignore") + b"\xff\n", None, "bad_input"),
    ],
    ids=["checksum", "empty", "json", "encoding"],
)
def test_a_broken_file_gets_a_chinese_4xx(client, police, body, checksum, code):
    response = upload(client, police.credential, body, checksum)
    assert 400 <= response.status_code < 500 and response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_a_missing_checksum_is_refused(client, police, people):
    response = client.generic(
        "POST", URL, batch([death(people[0])]), content_type="application/x-ndjson", headers=bearer(police.credential)
    )
    assert response.status_code == 422 and "X-Batch-SHA256" in response.json()["message"]


def test_a_batch_outside_the_clients_area_or_scope_is_refused(client, township_a, township_b, people):
    elsewhere = issue(scopes=["batches:write", "deaths:write"], area_code="430522101000", name="严塘镇系统")
    response = upload(client, elsewhere.credential, batch([death(people[0])]))
    assert response.status_code == 404 and response.json()["code"] == "out_of_area"
    no_deaths = issue(scopes=["batches:write"], name="只能上传的系统")
    assert upload(client, no_deaths.credential, batch([death(people[0])])).status_code == 403


def test_the_enrolments_export_follows_the_published_schema(client, township_a, village_a):
    local_amounts()
    for amount in ("420.00", "380.00"):
        enrol(
            programme="dibao",
            household=HouseholdFactory(area_code="430522100201"),
            monthly_amount=Decimal(amount),
            decided_on=date(2026, 10, 20),
        )
    province = issue(scopes=["enrolments:read"], name="省级低收入人口监测平台")
    response = client.get("/api/v1/partners/exchange/enrolments", headers=bearer(province.credential))
    assert response.status_code == 200
    body = response.content
    assert response["X-Batch-SHA256"] == hashlib.sha256(body).hexdigest()
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert exchange.validate(lines[0], "header") == [] and lines[0]["records"] == 2
    assert all(exchange.validate(line, "enrolment") == [] for line in lines[1:])
    assert sorted(line["monthly_amount"] for line in lines[1:]) == ["380.00", "420.00"]
    assert ExchangeBatch.objects.get().direction == "out"


@pytest.mark.parametrize(
    ("record", "problems"),
    [
        ({"id_number": "430522198005170011", "name": "张三", "died_on": "2026-11-28", "source": "death"}, []),
        (
            {"id_number": "4305221980051700", "name": "张三", "died_on": "2026-11-28", "source": "death"},
            ["“身份证号”格式不正确"],
        ),
        (
            {"id_number": "430522198005170011", "name": "", "died_on": "2026-11-28", "source": "death"},
            ["“姓名”不能为空"],
        ),
        (
            {"id_number": "430522198005170011", "name": "张三", "died_on": "2026-02-30", "source": "death"},
            ["“死亡日期”不是有效日期"],
        ),
        (
            {"id_number": "430522198005170011", "name": "张三", "died_on": "2026-11-28", "source": "hospital"},
            ["“信息来源”只能是 death、funeral"],
        ),
        (
            {"id_number": 430522198005170011, "name": "张三", "died_on": "2026-11-28", "source": "death"},
            ["“身份证号”应为文本"],
        ),
        (
            {"id_number": "430522198005170011", "name": "张三", "died_on": "2026-11-28", "source": "death", "x": 1},
            ["有未定义的字段：x"],
        ),
        ([], ["应为JSON对象"]),
    ],
    ids=["ok", "short-id", "empty-name", "no-such-day", "source", "number-id", "extra", "not-object"],
)
def test_the_death_schema_table(record, problems):
    assert exchange.validate(record, "death") == problems
