"""API tokens: expire by default, work only on the API, stop at once when the account is locked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import APIToken
from accounts.tests.factories import TEST_PASSWORD
from accounts.tokens import issue_token

pytestmark = pytest.mark.django_db
ME = "/api/v1/accounts/me"


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_expires_by_default_and_an_expired_one_is_refused(client, clerk_a, settings):
    settings.API_TOKEN_DAYS = 90
    key = issue_token(clerk_a, "对接")
    token = APIToken.objects.get(user=clerk_a)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert client.get(ME, **_bearer(key)).status_code == 200
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(ME, **_bearer(key)).status_code == 401


def test_a_token_with_no_date_from_before_lasts_the_default_term(client, clerk_a, settings):
    settings.API_TOKEN_DAYS = 30
    key = issue_token(clerk_a, "旧令牌")
    APIToken.objects.filter(user=clerk_a).update(expires_at=None, created_at=timezone.now() - timedelta(days=31))
    assert client.get(ME, **_bearer(key)).status_code == 401


def test_a_token_is_not_accepted_on_html_pages(client, clerk_a):
    key = issue_token(clerk_a, "对接")
    page = client.get("/registry/households/", **_bearer(key))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_a_token_stops_at_once_while_its_holder_is_locked_out_or_disabled(client, clerk_a, settings):
    key = issue_token(clerk_a, "对接")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": clerk_a.username, "password": "wrong-" + TEST_PASSWORD})
    assert client.get(ME, **_bearer(key)).status_code == 401
    from axes.utils import reset

    reset(username=clerk_a.username)
    assert client.get(ME, **_bearer(key)).status_code == 200
    clerk_a.is_active = False
    clerk_a.save()
    assert client.get(ME, **_bearer(key)).status_code == 401
