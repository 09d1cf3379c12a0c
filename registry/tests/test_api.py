"""The registry REST API: scoped like the pages, masked by default, Chinese errors with stable codes."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tokens import issue_token
from audit.models import AuditEntry
from registry.idcard import make_id_number
from registry.models import Document, Household, Person
from registry.relations import Relation
from registry.tests.factories import HouseholdFactory, PersonFactory
from registry.tests.test_views import PDF, VILLAGE_A, VILLAGE_B, family_of_four, villages  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"


@pytest.fixture
def zhang(villages):  # noqa: F811
    return HouseholdFactory(head=PersonFactory(name="张三", phone="13812345678"), bank_account="6217001234567890123")


@pytest.fixture
def api_a(client, clerk_a):
    client.force_login(clerk_a)
    return client


def test_openapi_lists_the_registry_endpoints(api_a):
    paths = api_a.get("/api/v1/openapi.json").json()["paths"]
    for path in ("persons", "persons/{person_id}", "households", "households/{household_id}", "documents", "search"):
        assert f"{API}/{path}" in paths


def test_anonymous_callers_are_refused(client, zhang):
    assert client.get(f"{API}/persons").status_code == 401


def test_person_list_is_masked_and_scoped(api_a, zhang, villages):  # noqa: F811
    HouseholdFactory(area_code=VILLAGE_B, number="43052210120100001", head__name="王五")
    body = api_a.get(f"{API}/persons").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "张三" and "*" in item["id_number"] and item["phone"] == "138****5678"
    assert item["household_number"] == zhang.number


def test_token_auth_and_a_clerk_of_another_township_gets_404(client, clerk_b, zhang):
    token = issue_token(clerk_b, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"{API}/households/{zhang.pk}", **headers).status_code == 404
    assert client.get(f"{API}/persons/{zhang.head_id}", **headers).status_code == 404
    assert client.get(f"{API}/documents", {"household": zhang.pk}, **headers).status_code == 404
    assert client.get(f"{API}/households", **headers).json()["count"] == 0
    assert client.get(f"{API}/search", {"q": "zs"}, **headers).json() == []


def test_a_token_issued_by_the_command_reads_as_its_staff_member(client, clerk_b, zhang):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_api_token", "clerk_b", "对接测试", "--days", "30", stdout=out)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    assert client.get(f"{API}/households", **headers).status_code == 200
    assert client.get(f"{API}/households/{zhang.pk}", **headers).status_code == 404  # 张三 lives in township A
    assert client.get(f"{API}/households", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_household_detail_with_members_masked(api_a, zhang):
    body = api_a.get(f"{API}/households/{zhang.pk}").json()
    assert body["bank_account"] == "****0123"
    assert [m["person"]["name"] for m in body["members"]] == ["张三"]
    assert "*" in body["members"][0]["person"]["id_number"]


def test_unmask_needs_the_capability_and_is_audited(client, clerk_a, worker_a, zhang):
    client.force_login(worker_a)
    assert client.get(f"{API}/persons/{zhang.head_id}", {"unmask": 1}).status_code == 403
    client.force_login(clerk_a)
    body = client.get(f"{API}/persons/{zhang.head_id}", {"unmask": 1}).json()
    assert body["id_number"] == zhang.head.id_number and body["unmasked"] is True
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA, object_id=str(zhang.head_id)).exists()


def test_register_person_duplicate_is_409_and_bad_check_digit_400(api_a, zhang):
    number = make_id_number("430522", date(1990, 1, 2), 7, True)
    payload = {"id_number": number, "name": "赵四", "area_code": VILLAGE_A}
    response = api_a.post(f"{API}/persons", payload, content_type="application/json")
    assert response.status_code == 201 and "*" in response.json()["id_number"]
    response = api_a.post(f"{API}/persons", payload, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_id" and "赵四" in response.json()["message"]
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    response = api_a.post(f"{API}/persons", payload | {"id_number": bad}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "id_check_digit",
        "message": f"身份证号“{bad}”校验位错误：最后一位应为{number[17]}，请核对是否抄错",
    }


def test_register_household_of_four(api_a, villages):  # noqa: F811
    members = [{"name": n, "id_number": i, "relation": r} for n, i, r in family_of_four()]
    payload = {"area_code": VILLAGE_A, "address": "城西社区建设路8号", "kind": "urban", "members": members}
    response = api_a.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert len(response.json()["members"]) == 4
    again = api_a.post(f"{API}/households", payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["message"].startswith("第1位成员：身份证号已登记：刘建国")
    assert Household.objects.count() == 1


def test_household_errors_roll_back(api_a, villages):  # noqa: F811
    members = [{"name": n, "id_number": i, "relation": r} for n, i, r in family_of_four()]
    members[3]["relation"] = Relation.HEAD
    payload = {"area_code": VILLAGE_A, "address": "城西社区建设路8号", "members": members}
    response = api_a.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "two_heads"
    assert not Person.objects.filter(name="刘建国").exists()


def test_upload_and_list_documents(api_a, zhang):
    response = api_a.post(
        f"{API}/documents",
        {
            "doc_type": "id_card",
            "person_id": zhang.head_id,
            "number": zhang.head.id_number,
            "valid_until": "2020-01-01",
            "file": SimpleUploadedFile("id.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expired"] is True and body["has_file"] and "*" in body["number"]
    listed = api_a.get(f"{API}/documents", {"person": zhang.head_id}).json()
    assert [d["id"] for d in listed["items"]] == [body["id"]]
    bad = api_a.post(
        f"{API}/documents",
        {"doc_type": "id_card", "person_id": zhang.head_id, "file": SimpleUploadedFile("x.png", b"GIF89a")},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "file_type"
    assert Document.objects.count() == 1


def test_search_by_pinyin_initials(api_a, zhang):
    body = api_a.get(f"{API}/search", {"q": "zs"}).json()
    assert [p["name"] for p in body] == ["张三"] and "*" in body[0]["id_number"]
