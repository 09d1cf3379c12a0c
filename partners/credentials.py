"""Client credentials of partner systems: issued and revoked by an administrator, checked on every
call of the partners' API.

The credential a partner sends is `Authorization: Bearer <client_id>.<secret>`. The client id is
public (it names the client in logs); the secret is 32 random bytes shown once when issued, and only
its SHA-256 is stored (a random secret needs no slow hash). A revoked client is refused on its next
call: the row is read on every call, nothing is cached. Each client has its own rate limit, counted
per minute in Django's cache (a shared Redis in production, MINZHENG_CACHE_URL; per process
otherwise), so a busy client cannot starve the others.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from areas.codes import InvalidAreaCode, validate_code
from areas.jurisdiction import current_scope
from audit.services import update_logged
from core.errors import DomainError
from partners.errors import PartnerCode
from partners.models import PartnerClient
from partners.scopes import Scope

CLIENT_ID_PREFIX = "mzp_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def webhook_secret(client: PartnerClient) -> str:
    """The key a client's deliveries are signed with: derived from the server's key and the
    client's own random salt, so the database alone never holds it."""
    return salted_hmac("minzheng.partners.webhook", client.webhook_salt, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Issued:
    client: PartnerClient
    credential: str  # client_id.secret, shown once
    webhook_secret: str  # shown once as well


def _clean_scopes(scopes) -> list[str]:
    chosen = [s for s in dict.fromkeys(scopes or []) if s]
    unknown = [s for s in chosen if s not in Scope.values]
    if unknown:
        raise DomainError(PartnerCode.BAD_INPUT, "未知的授权范围：" + "、".join(unknown))
    if not chosen:
        raise DomainError(PartnerCode.BAD_INPUT, "请至少选择一项授权范围")
    return chosen


def issue_client(
    *,
    name: str,
    department: str,
    area_code: str,
    scopes,
    rate_limit_per_minute: int = 120,
    contact: str = "",
    user=None,
) -> Issued:
    """签发客户端凭证: within the issuer's own jurisdiction only."""
    name, department = (name or "").strip(), (department or "").strip()
    if not name or not department:
        raise DomainError(PartnerCode.BAD_INPUT, "请填写系统名称和所属部门")
    try:
        area_code = validate_code((area_code or "").strip())
    except InvalidAreaCode as exc:
        raise DomainError(PartnerCode.BAD_INPUT, str(exc)) from None
    if not current_scope().allows(area_code):
        raise DomainError(PartnerCode.OUT_OF_AREA, "只能为本辖区内的部门或系统签发凭证")
    if not 1 <= int(rate_limit_per_minute) <= 100_000:
        raise DomainError(PartnerCode.BAD_INPUT, "每分钟请求上限应在1到100000之间")
    secret = secrets.token_urlsafe(32)
    client = PartnerClient.objects.create(
        name=name[:100],
        department=department[:100],
        area_code=area_code,
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(8),
        secret_hash=_digest(secret),
        webhook_salt=secrets.token_hex(16),
        scopes=_clean_scopes(scopes),
        rate_limit_per_minute=int(rate_limit_per_minute),
        contact=(contact or "").strip()[:100],
        created_by=user if getattr(user, "pk", None) else None,
    )
    return Issued(client=client, credential=f"{client.client_id}.{secret}", webhook_secret=webhook_secret(client))


def revoke_client(client: PartnerClient, *, user, reason: str) -> PartnerClient:
    """吊销: the client's next call is refused (401), and nothing more is sent to its receivers."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(PartnerCode.BAD_INPUT, "请填写吊销原因")
    with transaction.atomic():
        update_logged(
            PartnerClient.objects.filter(revoked_at__isnull=True),
            client,
            revoked_at=timezone.now(),
            revoked_by=user if getattr(user, "pk", None) else None,
            revoke_reason=reason[:200],
        )
        from partners.models import WebhookDelivery

        WebhookDelivery.objects.filter(
            subscription__client=client,
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
        ).update(status=WebhookDelivery.Status.GAVE_UP, last_error="客户端已被吊销", next_try_at=None)
    client.refresh_from_db()
    return client


def authenticate(credential: str) -> PartnerClient:
    """The client a credential belongs to, or a DomainError (401) saying why not."""
    credential = (credential or "").strip()
    if not credential:
        raise DomainError(PartnerCode.NO_CREDENTIALS, "缺少客户端凭证（请求头 Authorization: Bearer 客户端编号.密钥）")
    client_id, _, secret = credential.partition(".")
    if not client_id.startswith(CLIENT_ID_PREFIX) or not secret or len(credential) > 200:
        raise DomainError(PartnerCode.BAD_CREDENTIALS, "客户端凭证不正确")
    client = PartnerClient.unscoped.filter(client_id=client_id).first()
    if client is None or not hmac.compare_digest(client.secret_hash, _digest(secret)):
        raise DomainError(PartnerCode.BAD_CREDENTIALS, "客户端凭证不正确")
    if client.revoked_at is not None:
        raise DomainError(PartnerCode.REVOKED, "该客户端凭证已被吊销，请联系民政局重新申请")
    return client


def require_scope(client: PartnerClient, scope: str) -> None:
    if not client.has_scope(scope):
        raise DomainError(PartnerCode.SCOPE, f"该客户端未获授权：{Scope(scope).label}（{scope}）")


WINDOW_SECONDS = 60


def count_call(client: PartnerClient, now=None) -> None:
    """One more call in this minute; over the client's limit → 429 with when to try again."""
    now = now or timezone.now()
    window = int(now.timestamp()) // WINDOW_SECONDS
    key = f"partners:calls:{client.client_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        calls = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        calls = 1
    if calls > client.rate_limit_per_minute:
        wait = WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
        raise DomainError(
            PartnerCode.RATE_LIMITED,
            f"请求过于频繁：每分钟最多{client.rate_limit_per_minute}次，请{wait}秒后再试",
            retry_after=wait,
        )
