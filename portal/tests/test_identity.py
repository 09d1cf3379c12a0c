"""Sign-in by phone and one-time code: hashed, short-lived, single use, rate limited, locked out
like staff; the resident's session is no staff session."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.errors import DomainError
from portal import identity
from portal.models import ResidentAccount, SignInCode
from portal.tests.conftest import PHONE, latest_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_code_is_texted_and_only_its_hash_is_stored():
    identity.send_code(PHONE)
    code = latest_code(PHONE)
    row = SignInCode.objects.get(phone=PHONE)
    assert code not in row.code_hash and len(row.code_hash) == 64
    account = identity.verify_code(PHONE, code)
    assert account.phone == PHONE and account.last_login_at is not None


def test_a_code_works_once():
    identity.send_code(PHONE)
    code = latest_code(PHONE)
    identity.verify_code(PHONE, code)
    with pytest.raises(DomainError, match="失效"):
        identity.verify_code(PHONE, code)


def test_an_expired_code_is_refused():
    identity.send_code(PHONE)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError, match="失效"):
        identity.verify_code(PHONE, latest_code(PHONE))


def test_a_second_code_within_a_minute_is_refused():
    identity.send_code(PHONE)
    with pytest.raises(DomainError, match="秒后"):
        identity.send_code(PHONE)


def test_bad_phone_is_a_chinese_error():
    with pytest.raises(DomainError, match="11位手机号"):
        identity.send_code("12345")


def test_wrong_codes_lock_the_phone_as_staff_are_locked(settings):
    settings.AXES_FAILURE_LIMIT = 3
    identity.send_code(PHONE)
    wrong = f"{(int(latest_code(PHONE)) + 1) % 10**6:06d}"
    for _ in range(2):
        with pytest.raises(DomainError, match="不正确"):
            identity.verify_code(PHONE, wrong)
    with pytest.raises(DomainError, match="锁定"):
        identity.verify_code(PHONE, wrong)
    assert ResidentAccount.objects.get(phone=PHONE).locked_until > timezone.now()
    with pytest.raises(DomainError, match="锁定"):
        identity.send_code(PHONE)


def test_sign_in_page_sends_and_accepts_the_code(client):
    response = client.post("/my/login/", {"phone": PHONE})
    assert response.status_code == 302
    code = latest_code(PHONE)
    assert code not in client.get("/my/login/code/").content.decode()
    response = client.post("/my/login/code/", {"code": code})
    assert response.status_code == 302
    assert client.session[identity.SESSION_KEY]
    # not bound yet: every page leads to the binding check
    assert client.get("/my/").url == "/my/bind/"


def test_wrong_code_page_is_a_chinese_400(client):
    client.post("/my/login/", {"phone": PHONE})
    response = client.post("/my/login/code/", {"code": "abc"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()


def test_staff_pages_refuse_a_resident(resident_client):
    for url in ("/", "/cases/", "/registry/persons/", "/my/desk/"):
        response = resident_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_signing_in_as_resident_ends_a_staff_session(client, clerk_a, resident):
    client.force_login(clerk_a)
    identity.send_code(PHONE)
    client.post("/my/login/", {"phone": PHONE})
    SignInCode.objects.update(sent_at=timezone.now() - timedelta(minutes=2))
    client.post("/my/login/", {"phone": PHONE})
    client.post("/my/login/code/", {"code": latest_code(PHONE)})
    assert client.get("/cases/").status_code == 302
