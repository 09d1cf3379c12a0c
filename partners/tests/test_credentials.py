"""Client credentials on the API: a revoked client is refused at once, scopes and the client's area
bound what it sees, the rate limit answers 429 in Chinese, and staff sign-ins do not open it."""

import pytest
from django.urls import reverse

from accounts.tokens import issue_token
from partners.credentials import revoke_client
from partners.models import PartnerClient
from partners.tests.factories import bearer, issue
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/partners/me"


def person_url(person):
    return f"/api/v1/partners/persons/{person.id_number}"


def test_an_issued_client_calls_and_its_secret_is_stored_only_as_a_hash(client, township_a):
    issued = issue(scopes=["registry:read"])
    response = client.get(ME, headers=bearer(issued.credential))
    assert response.status_code == 200
    assert response.json()["scopes"] == ["registry:read"]
    secret = issued.credential.split(".", 1)[1]
    stored = PartnerClient.objects.get()
    assert secret not in (stored.secret_hash, stored.webhook_salt)
    assert stored.last_used_at is not None


def test_a_revoked_client_is_refused_at_once(client, township_a, admin_user):
    issued = issue(scopes=["registry:read"])
    assert client.get(ME, headers=bearer(issued.credential)).status_code == 200
    revoke_client(issued.client, user=admin_user, reason="系统停用")
    response = client.get(ME, headers=bearer(issued.credential))
    assert response.status_code == 401
    assert response.json() == {"code": "revoked", "message": "该客户端凭证已被吊销，请联系民政局重新申请"}


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({}, "no_credentials"),
        ({"Authorization": "Basic abc"}, "no_credentials"),
        ({"Authorization": "Bearer mzp_0000000000000000.wrong"}, "bad_credentials"),
        ({"Authorization": "Bearer nonsense"}, "bad_credentials"),
    ],
    ids=["none", "basic", "unknown", "malformed"],
)
def test_without_a_valid_credential_the_answer_is_a_chinese_401(client, township_a, header, code):
    issue(scopes=["registry:read"])
    response = client.get(ME, headers=header)
    assert response.status_code == 401
    assert response.json()["code"] == code and "凭证" in response.json()["message"]


def test_a_wrong_secret_for_a_real_client_id_is_refused(client, township_a):
    issued = issue(scopes=["registry:read"])
    client_id = issued.client.client_id
    assert client.get(ME, headers=bearer(f"{client_id}.not-the-secret")).status_code == 401


def test_scopes_are_enforced(client, township_a, village_a):
    person = PersonFactory(area_code="430522100201")
    reader = issue(scopes=["registry:read"])
    writer = issue(scopes=["deaths:write"], name="公安人口系统")
    assert client.get(person_url(person), headers=bearer(reader.credential)).status_code == 200
    refused = client.get(person_url(person), headers=bearer(writer.credential))
    assert refused.status_code == 403
    assert refused.json()["code"] == "scope" and "registry:read" in refused.json()["message"]
    death = {"id_number": person.id_number, "name": person.name, "died_on": "2026-11-30", "source": "death"}
    refused = client.post(
        "/api/v1/partners/deaths", death, content_type="application/json", headers=bearer(reader.credential)
    )
    assert refused.status_code == 403
    person.refresh_from_db()
    assert person.is_alive


def test_a_client_sees_only_its_own_area(client, township_a, township_b, village_a, village_b):
    mine = PersonFactory(area_code="430522100201")
    theirs = PersonFactory(area_code="430522101201")
    issued = issue(scopes=["registry:read"], area_code="430522100000")
    assert client.get(person_url(mine), headers=bearer(issued.credential)).json()["name"] != mine.name  # masked
    response = client.get(person_url(theirs), headers=bearer(issued.credential))
    assert response.status_code == 404 and "没有该身份证号" in response.json()["message"]


def test_the_rate_limit_answers_429_in_chinese(client, township_a):
    issued = issue(scopes=["registry:read"], rate_limit_per_minute=3)
    other = issue(scopes=["registry:read"], rate_limit_per_minute=3, name="卫健系统")
    statuses = [client.get(ME, headers=bearer(issued.credential)).status_code for _ in range(3)]
    refused = client.get(ME, headers=bearer(issued.credential))
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited" and "每分钟最多3次" in refused.json()["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(ME, headers=bearer(other.credential)).status_code == 200  # each client its own limit


def test_staff_sessions_and_staff_tokens_do_not_open_the_partners_api(client, clerk_a):
    key = issue_token(clerk_a, "脚本")
    assert client.get("/api/v1/accounts/me", headers=bearer(key)).status_code == 200  # staff tokens still work
    assert client.get(ME, headers=bearer(key)).status_code == 401
    client.force_login(clerk_a)
    assert client.get(ME).status_code == 401
    assert client.get(reverse("partners:clients")).status_code == 403  # and the admin pages are not a clerk's


def test_a_death_reported_by_a_department_stops_nothing_twice(client, township_a, village_a):
    person = PersonFactory(area_code="430522100201")
    issued = issue(scopes=["deaths:write"], name="公安人口系统")
    death = {"id_number": person.id_number, "name": person.name, "died_on": "2026-11-30", "source": "death"}
    first = client.post(
        "/api/v1/partners/deaths", death, content_type="application/json", headers=bearer(issued.credential)
    )
    again = client.post(
        "/api/v1/partners/deaths", death, content_type="application/json", headers=bearer(issued.credential)
    )
    assert (first.json()["recorded"], again.json()["recorded"]) == (True, False)
    person.refresh_from_db()
    assert not person.is_alive and str(person.death_date) == "2026-11-30"
    wrong = client.post(
        "/api/v1/partners/deaths",
        {**death, "name": "别人"},
        content_type="application/json",
        headers=bearer(issued.credential),
    )
    assert wrong.status_code == 400 and "姓名" in wrong.json()["message"]
