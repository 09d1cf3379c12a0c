"""Administrators sign in with a second factor: bind an authenticator once, then give its code."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import TEST_PASSWORD, StaffFactory
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.ADMIN_TWO_FACTOR = True


@pytest.fixture
def administrator(county_bureau):
    return StaffFactory(username="sysadmin", unit=county_bureau, roles=["admin"], must_change_password=False)


def _login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift) + offset:06d}"[
        -6:
    ]


def test_an_administrator_binds_an_app_then_works_and_gives_a_code_at_every_sign_in(client, two_factor, administrator):
    _login(client, administrator)
    closed = client.get("/accounts/staff/")
    assert closed.status_code == 302 and closed["Location"].startswith("/accounts/second-factor/")
    binding = client.get("/accounts/second-factor/").content.decode()
    assert "<svg" in binding and "扫描下方二维码" in binding
    device = TOTPDevice.objects.get(user=administrator)
    wrong = client.post("/accounts/second-factor/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    assert client.post("/accounts/second-factor/", {"code": _code(device)}).status_code == 302
    assert client.get("/accounts/staff/").status_code == 200
    assert TOTPDevice.objects.get(user=administrator).confirmed
    assert AuditEntry.unscoped.filter(action=AuditEntry.Action.LOGIN, changes__second_factor="bound").exists()

    client.post("/accounts/logout/")
    _login(client, administrator)
    asked = client.get("/accounts/second-factor/").content.decode()
    assert "<svg" not in asked and "6位数字" in asked
    assert client.get("/admin/").status_code == 302  # closed until the code is given


def test_other_staff_are_not_asked_and_the_dev_profile_can_turn_it_off(
    client, settings, two_factor, clerk_a, administrator
):
    _login(client, clerk_a)
    assert client.get("/registry/households/").status_code == 200
    client.post("/accounts/logout/")
    settings.ADMIN_TWO_FACTOR = False
    _login(client, administrator)
    assert client.get("/accounts/staff/").status_code == 200


def test_the_api_refuses_an_administrator_session_without_the_second_factor(client, two_factor, administrator):
    _login(client, administrator)
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 403 and response.json()["code"] == "second_factor"
