"""Partner clients for tests: issued through the service, so the credential is the real one."""

from areas.jurisdiction import system_scope
from partners.credentials import issue_client
from partners.models import WebhookSubscription

TOWNSHIP_A = "430522100000"


def issue(*, scopes, area_code: str = TOWNSHIP_A, rate_limit_per_minute: int = 120, name: str = "人社局养老保险系统"):
    """An Issued (client, credential, webhook_secret)."""
    with system_scope():
        return issue_client(
            name=name,
            department="县人力资源和社会保障局",
            area_code=area_code,
            scopes=scopes,
            rate_limit_per_minute=rate_limit_per_minute,
        )


def subscribe(client, url: str, events) -> WebhookSubscription:
    return WebhookSubscription.objects.create(client=client, area_code=client.area_code, url=url, events=list(events))


def bearer(credential: str) -> dict:
    return {"Authorization": f"Bearer {credential}"}
