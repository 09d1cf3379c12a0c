"""Level-3 (等保三级) account rules: password strength, lockout, forced change, idle timeout."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.models import StaffSession
from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Xinshao2026", "shaoyang!@#9", "HUNAN!@#123x"])
def test_passwords_of_three_character_classes_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "reason"),
    [("abcdefgh1", "至少3类"), ("Ab1!", "8"), ("abcdefghij", "至少3类")],
)
def test_weak_passwords_are_refused_in_chinese(password, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any(reason in message for message in error.value.messages)


def test_five_failures_lock_the_account_even_with_the_right_password(client, clerk_a):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk_a", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "clerk_a", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()


def test_initial_password_must_be_changed_before_anything_else(client, clerk_a):
    clerk_a.must_change_password = True
    clerk_a.save()
    client.force_login(clerk_a)
    assert client.get("/accounts/staff/")["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "Xinshao#2027", "new_password2": "Xinshao#2027"},
    )
    assert response.status_code == 302
    clerk_a.refresh_from_db()
    assert not clerk_a.must_change_password
    assert client.get("/accounts/staff/").status_code == 200


def test_sessions_expire_after_thirty_idle_minutes(client, clerk_a):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with freeze_time("2026-03-02 09:00:00") as clock:
        client.force_login(clerk_a)
        assert client.get("/").status_code == 200
        session = StaffSession.objects.get()
        first_expiry = session.expire_date
        clock.tick(30)  # within a minute: no write of the session row
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not any(
            StaffSession._meta.db_table in q["sql"] and "UPDATE" in q["sql"] for q in queries.captured_queries
        )
        clock.tick(29 * 60)  # active again after 29 minutes: the 30 minutes start over
        assert client.get("/").status_code == 200
        assert StaffSession.objects.get().expire_date == first_expiry + timedelta(seconds=30 + 29 * 60)
        clock.tick(29 * 60)
        assert client.get("/").status_code == 200
        clock.tick(30 * 60 + 1)  # idle for more than 30 minutes: logged out
        assert client.get("/")["Location"].startswith("/accounts/login/")


def test_home_page_names_the_role(client, worker_a):
    client.force_login(worker_a)
    content = client.get("/").content.decode()
    assert "民生员工作台" in content
    assert "城西社区居委会" in content
