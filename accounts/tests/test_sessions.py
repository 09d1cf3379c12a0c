"""Who is asking, read on every request: the session row and the user with unit and roles."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import load_staff
from accounts.models import Role, StaffSession, User
from accounts.roles import Capability
from accounts.tests.factories import StaffFactory


def test_the_user_is_loaded_with_unit_and_roles_and_asks_nothing_more(clerk_a):
    clerk_a.roles.add(Role.objects.get(code="reviewer"))

    with CaptureQueriesContext(connection) as queries:
        loaded = load_staff(clerk_a.pk)
        unit_name, codes = loaded.unit.name, loaded.role_codes
        allowed = loaded.can(Capability.REVIEW) and not loaded.can(Capability.APPROVE)

    assert (loaded.username, unit_name, codes, allowed) == ("clerk_a", "酿溪镇民政办", {"clerk", "reviewer"}, True)
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert load_staff(clerk_a.pk + 1000) is None


def test_the_role_codes_read_with_the_user_are_the_orms(county_bureau):
    """`role_codes_of` is plain SQL inside the ORM statement: its answer is `user.roles`' (SQL-twin)."""
    users = [
        StaffFactory(username="no_roles", unit=county_bureau),
        StaffFactory(username="one_role", unit=county_bureau, roles=["clerk"]),
        StaffFactory(username="three_roles", unit=county_bureau, roles=["clerk", "reviewer", "approver"]),
    ]
    for user in users:
        assert load_staff(user.pk).role_codes == set(user.roles.values_list("code", flat=True)), user.username
    assert load_staff(users[0].pk).role_codes == frozenset()


def test_a_request_reads_session_and_user_in_one_statement_and_sees_role_changes_at_once(client, clerk_a):
    client.force_login(clerk_a)
    client.get("/api/v1/accounts/me")  # the first request after login stamps the idle-timeout refresh
    with CaptureQueriesContext(connection) as queries:
        me = client.get("/api/v1/accounts/me").json()
    assert me == {
        "username": "clerk_a",
        "full_name": "李经办",
        "unit": "酿溪镇民政办",
        "area_code": "430522100000",
        "roles": ["clerk"],
    }
    assert len(queries) == 1, [q["sql"] for q in queries]

    clerk_a.roles.add(Role.objects.get(code="reviewer"))
    clerk_a.unit.name = "酿溪镇社会事务办"
    clerk_a.unit.save()
    me = client.get("/api/v1/accounts/me").json()
    assert me["roles"] == ["clerk", "reviewer"] and me["unit"] == "酿溪镇社会事务办"


def test_a_user_without_unit_or_roles_is_loaded_as_such(client, county_bureau):
    client.force_login(StaffFactory(username="no_unit", unit=None))
    me = client.get("/api/v1/accounts/me").json()
    assert (me["unit"], me["area_code"], me["roles"]) == ("", "", [])


def test_deactivated_user_and_expired_session_are_logged_out_on_the_next_request(client, clerk_a, clerk_b):
    client.force_login(clerk_a)
    assert client.get("/api/v1/accounts/me").status_code == 200
    User.objects.filter(pk=clerk_a.pk).update(is_active=False)
    assert client.get("/api/v1/accounts/me").status_code == 401

    client.force_login(clerk_b)
    assert client.get("/api/v1/accounts/me").status_code == 200
    StaffSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/accounts/me").status_code == 401

    client.cookies["sessionid"] = "not a session key"
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_the_session_data_decides_whose_session_it_is(client, clerk_a, clerk_b):
    client.force_login(clerk_a)
    assert client.get("/api/v1/accounts/me").json()["username"] == "clerk_a"
    # The user column is only a shortcut: pointing it at someone else changes nothing, even someone
    # whose password hash (which signs the session) is the same.
    User.objects.filter(pk=clerk_b.pk).update(password=User.objects.get(pk=clerk_a.pk).password)
    StaffSession.objects.update(user_id=clerk_b.pk)
    assert client.get("/api/v1/accounts/me").json()["username"] == "clerk_a"
    # Logging in as another user on the same browser: the next request is theirs.
    clerk_b.refresh_from_db()
    client.force_login(clerk_b)
    assert client.get("/api/v1/accounts/me").json()["username"] == "clerk_b"
    assert StaffSession.objects.get().user_id == clerk_b.pk


def test_a_changed_password_ends_the_other_sessions(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/api/v1/accounts/me").status_code == 200
    clerk_a.set_password("Another@2026x")
    clerk_a.save()
    assert client.get("/api/v1/accounts/me").status_code == 401
