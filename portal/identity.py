"""A resident's identity (ADR: resident identity and sessions): sign-in by phone and a one-time
code texted through the platform's SMS sender, and the session key that holds who they are.

- The code is 6 digits, stored only as an HMAC of (phone, code) under the secret key, valid for
  CODE_MINUTES, used once; a new code cancels the older ones of the phone.
- Rate limits: one code per phone every RESEND_SECONDS, at most CODES_PER_HOUR per phone and
  CODES_PER_IP_HOUR per client address (cache counters, as the public progress page).
- Lockout as for staff: after settings.AXES_FAILURE_LIMIT wrong codes in a row the phone is locked
  for settings.AXES_COOLOFF_TIME (the same environment variables as the staff login).
- The session holds the account id under SESSION_KEY only; the staff user keys are flushed at
  sign-in, so one browser is never both, and staff pages (request.user) see an anonymous visitor.
- In development (settings.DEBUG) the code is also written to the server log, never to a page.
"""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from areas.jurisdiction import system_scope
from cases.replies import sms_sender
from core.errors import DomainError
from portal.errors import PortalCode
from portal.models import ResidentAccount, SignInCode

log = logging.getLogger(__name__)

SESSION_KEY = "portal_resident"
CODE_MINUTES = 5
RESEND_SECONDS = 60
CODES_PER_HOUR = 5
CODES_PER_IP_HOUR = 20
WRONG_TRIES_PER_CODE = 3
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise DomainError(PortalCode.BAD_PHONE, "请输入11位手机号码")
    return phone


def _digest(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"portal-code:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1


def _locked_until(phone: str):
    with system_scope():  # the identity table is read before anybody has a scope
        account = ResidentAccount.unscoped.filter(phone=phone).only("locked_until").first()
    if account and account.locked_until and account.locked_until > timezone.now():
        return account.locked_until
    return None


def _lock_message(until) -> str:
    return f"验证码连续输错次数过多，账号已锁定，请于{timezone.localtime(until):%H:%M}后再试"


def send_code(phone: str, *, ip: str = "") -> None:
    """Text a new one-time code to the phone (whether or not an account exists: the first sign-in
    creates it, and the answer never says which phones are known)."""
    phone = normalize_phone(phone)
    if until := _locked_until(phone):
        raise DomainError(PortalCode.LOCKED, _lock_message(until))
    now = timezone.now()
    last = SignInCode.objects.filter(phone=phone).order_by("-sent_at").first()
    if last and (now - last.sent_at).total_seconds() < RESEND_SECONDS:
        raise DomainError(PortalCode.TOO_SOON, f"验证码已发送，请{RESEND_SECONDS}秒后再重新获取")
    if _count(f"portal:codes:{phone}", 3600) > CODES_PER_HOUR:
        raise DomainError(PortalCode.TOO_SOON, "该手机号获取验证码过于频繁，请一小时后再试")
    if ip and _count(f"portal:codes-ip:{ip}", 3600) > CODES_PER_IP_HOUR:
        raise DomainError(PortalCode.TOO_SOON, "获取验证码过于频繁，请稍后再试")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(expires_at=now)
        SignInCode.objects.create(
            phone=phone,
            code_hash=_digest(phone, code),
            sent_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
            ip=ip or None,
        )
        site = getattr(settings, "MINZHENG", {}).get("SITE_NAME", "民政")
        sms_sender().send(phone, f"【{site}】您的登录验证码为{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略。")
    if settings.DEBUG:
        log.info("演示环境登录验证码 %s：%s", phone[-4:], code)


def _fail(phone: str) -> None:
    """One more wrong code for the phone: lock it after the staff login's limit."""
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", timedelta(minutes=15))
    with system_scope():
        account, _ = ResidentAccount.unscoped.get_or_create(phone=phone)
        failures = account.failed_codes + 1
        locked = timezone.now() + cooloff if failures >= limit else None
        ResidentAccount.unscoped.filter(pk=account.pk).update(
            failed_codes=0 if locked else failures, locked_until=locked
        )
    if locked:
        raise DomainError(PortalCode.LOCKED, _lock_message(locked))


def verify_code(phone: str, code: str) -> ResidentAccount:
    """The account of the phone when the code is its latest, unexpired, unused one; else an error."""
    phone = normalize_phone(phone)
    code = (code or "").strip()
    if until := _locked_until(phone):
        raise DomainError(PortalCode.LOCKED, _lock_message(until))
    now = timezone.now()
    current = (
        SignInCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).order_by("-sent_at").first()
    )
    if current is None:
        raise DomainError(PortalCode.BAD_CODE, "验证码已失效，请重新获取")
    if not hmac.compare_digest(current.code_hash, _digest(phone, code)):
        tries = current.wrong_tries + 1
        SignInCode.objects.filter(pk=current.pk).update(
            wrong_tries=tries, expires_at=now if tries >= WRONG_TRIES_PER_CODE else current.expires_at
        )
        _fail(phone)
        raise DomainError(PortalCode.BAD_CODE, "验证码不正确")
    # single use: only one request can turn used_at from empty to now
    if not SignInCode.objects.filter(pk=current.pk, used_at__isnull=True).update(used_at=now):
        raise DomainError(PortalCode.BAD_CODE, "验证码已使用，请重新获取")
    with system_scope():
        account, _ = ResidentAccount.unscoped.get_or_create(phone=phone)
        ResidentAccount.unscoped.filter(pk=account.pk).update(failed_codes=0, locked_until=None, last_login_at=now)
        account.refresh_from_db()
    return account


def sign_in(request, account: ResidentAccount) -> None:
    """A fresh session holding only the resident (a staff sign-in in the same browser ends)."""
    request.session.flush()
    request.session[SESSION_KEY] = account.pk


def sign_out(request) -> None:
    request.session.flush()


def resident_of(request) -> ResidentAccount | None:
    pk = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not pk:
        return None
    with system_scope():
        return ResidentAccount.unscoped.select_related("person").filter(pk=pk).first()
