"""The registrar's pages (register search, window, record, prints, divorces, export), the home card
and the agencies' query endpoint with its append-only log."""

import json
from datetime import date

import pytest
from django.db import DatabaseError, transaction

from accounts.tokens import issue_token
from marriage import services
from marriage.models import AuthorisedAgency, MaritalStatusQuery
from marriage.tests.conftest import DAY, party

pytestmark = pytest.mark.django_db

PASSWORD = "Minzheng@2026"


@pytest.fixture
def record(registrar):
    return services.register_marriage(
        user=registrar, first=party("王磊", male=True), second=party("刘婷", male=False), on_date=DAY
    ).record


def login(client, user):
    client.force_login(user)
    return client


def test_register_search_masks_ids_and_exports(client, registrar, record):
    login(client, registrar)
    page = client.get("/marriage/", {"q": "刘婷"}).content.decode()
    assert "王磊、刘婷" in page and record.man_id_number not in page and record.man_id_number[-4:] in page
    export = client.get("/marriage/", {"q": record.number, "export": "xlsx"})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_the_window_registers_and_refuses(client, registrar):
    login(client, registrar)
    man, woman = party("周强", male=True, born=date(2005, 1, 1)), party("孙丽", male=False)

    def form(m, w):
        data = {}
        for prefix, p in (("a", m), ("b", w)):
            data |= {
                f"{prefix}-name": p.name,
                f"{prefix}-id_number": p.id_number,
                f"{prefix}-ethnicity": "汉族",
                f"{prefix}-prior_status": "10",
                f"{prefix}-declared_no_spouse": "on",
                f"{prefix}-declared_no_kinship": "on",
                f"{prefix}-declared_voluntary": "on",
            }
        return data

    refused = client.post("/marriage/new/", form(man, woman))
    assert refused.status_code == 200 and "未达法定婚龄22周岁" in refused.content.decode()
    ok = client.post("/marriage/new/", form(party("钱进", male=True), woman))
    assert ok.status_code == 302
    detail = client.get(ok["Location"]).content.decode()
    assert "J430522-2026-" in detail and "打印证件" in detail
    bad = client.post("/marriage/new/", {"a-name": "x"})
    assert bad.status_code == 400


def test_certificate_and_sheet_print(client, registrar, record):
    login(client, registrar)
    certificate = record.certificates.first()
    page = client.get(f"/marriage/records/{record.pk}/certificates/{certificate.pk}/").content.decode()
    assert "结婚证" in page and certificate.number in page and record.woman_id_number in page and "data-print" in page
    sheet = client.get("/marriage/sheet/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert record.number in sheet and record.woman_id_number not in sheet


def test_divorce_pages(client, registrar, record):
    login(client, registrar)
    response = client.post(
        f"/marriage/records/{record.pk}/",
        {"action": "divorce", "agreement": "无子女", "agreement_signed": "on", "both_present": "on"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "冷静期" in page
    assert client.get("/marriage/divorces/", {"status": "all"}).status_code == 200
    assert client.get("/marriage/divorces/", {"export": "xlsx"}).status_code == 200


def test_a_clerk_has_no_marriage_pages(client, clerk_a):
    login(client, clerk_a)
    assert client.get("/marriage/").status_code == 403
    assert client.get("/marriage/new/").status_code == 403


def test_registrar_home_card(client, registrar, record):
    login(client, registrar)
    assert "本月结婚登记" in client.get("/").content.decode()


def test_agency_query_answers_yes_no_unknown_only_and_is_logged(client, county_bureau, record):
    from accounts.tests.factories import StaffFactory

    bank = StaffFactory(username="bank", full_name="银行查询员", unit=county_bureau, roles=[])
    token = issue_token(bank, "婚姻状况查询")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def ask(id_number, purpose="贷款审查授权书2026-001"):
        return client.post(
            "/api/v1/marriage/status",
            json.dumps({"id_number": id_number, "purpose": purpose}),
            content_type="application/json",
            **headers,
        )

    assert ask(record.man_id_number).status_code == 403  # not authorised yet
    AuthorisedAgency.objects.create(
        user=bank, agency="新邵县农村商业银行", basis="当事人书面授权", valid_until=date(2099, 1, 1)
    )
    answer = ask(record.man_id_number)
    assert answer.status_code == 200
    assert answer.json()["married"] == "yes" and set(answer.json()) == {"married", "as_of"}
    assert ask(party("无记录", male=True).id_number).json()["married"] == "unknown"
    assert ask(record.man_id_number, purpose="").status_code in (400, 422)
    log = MaritalStatusQuery.objects.order_by("id")
    assert [q.answer for q in log] == ["yes", "unknown"]
    assert log[0].agency == "新邵县农村商业银行" and log[0].purpose == "贷款审查授权书2026-001" and log[0].user == bank
    with pytest.raises(DatabaseError), transaction.atomic():
        MaritalStatusQuery.objects.filter(pk=log[0].pk).update(answer="no")


def test_registrar_query_page(client, registrar, record):
    login(client, registrar)
    page = client.post(
        "/marriage/queries/", {"id_number": record.woman_id_number, "purpose": "法院调查（2026）湘0522民初1号"}
    )
    assert "是（已婚）" in page.content.decode()
    assert MaritalStatusQuery.objects.count() == 1


def test_an_agency_query_costs_a_few_statements_more_than_a_trivial_authenticated_request(client, registrar, record):
    """For the bureau's own staff the answer is one statement and the log one INSERT; the rest is what
    every token request pays (bench/registrations.py prints both counts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(registrar, '婚姻状况查询')}"}
    body = json.dumps({"id_number": record.man_id_number, "purpose": "贷款审查授权书2026-001"})
    client.post("/api/v1/marriage/status", body, content_type="application/json", **headers)
    with CaptureQueriesContext(connection) as asked:
        answer = client.post("/api/v1/marriage/status", body, content_type="application/json", **headers)
    with CaptureQueriesContext(connection) as trivial:
        assert client.get("/api/v1/accounts/me", **headers).status_code == 200
    assert answer.json()["married"] == "yes"
    assert len(asked) <= len(trivial) + 2, [q["sql"][:120] for q in asked.captured_queries]
