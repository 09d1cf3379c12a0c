"""X-Forwarded-For names the client only when the bureau's own proxy sent it."""

import pytest
from django.test import RequestFactory

from audit.context import client_ip


def _request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_a_forged_header_from_the_internet_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # the client wrote "1.2.3.4" itself; nginx appended the address it saw (198.51.100.9)
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"
    assert client_ip(_request("10.0.0.5", "198.51.100.9, 10.0.0.7")) == "198.51.100.9"
    assert client_ip(_request("10.0.0.5", "not-an-ip")) == "10.0.0.5"


def test_with_no_proxy_configured_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "1.2.3.4")) == "127.0.0.1"


@pytest.mark.django_db
def test_rotating_the_header_does_not_escape_the_public_query_limit(client, settings):
    from django.core.cache import cache
    from django.urls import reverse

    cache.clear()
    settings.TRUSTED_PROXIES = []
    url = reverse("cases:public_progress")
    for guess in range(10):
        client.get(
            url,
            {"receipt_no": "4305222026010100001", "id_tail": f"{guess:06d}"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{guess}",
        )
    blocked = client.get(
        url,
        {"receipt_no": "4305222026010100001", "id_tail": "123456"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert blocked.status_code == 429
    cache.clear()
