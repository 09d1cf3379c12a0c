"""Bearer tokens for the REST API (partner systems, scripts).

A token is shown once and only its SHA-256 is stored; it expires (settings.API_TOKEN_DAYS when no
date is given); it works only on the API (/api/), never on the HTML pages; and it stops working at
once while its holder's account is disabled or locked out after failed logins.
"""

import hashlib
import secrets
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils import timezone

from accounts.models import APIToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: User, name: str, expires_at=None) -> str:
    """Create a token and return its key; the key is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    expires_at = expires_at or timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    APIToken.objects.create(user=user, name=name, key_hash=_digest(key), expires_at=expires_at)
    return key


def token_expired(token: APIToken, now) -> bool:
    """A token without a date (issued before tokens expired by default) lasts the default term."""
    expires_at = token.expires_at or token.created_at + timedelta(days=settings.API_TOKEN_DAYS)
    return expires_at <= now


def user_for_token(key: str, request=None) -> User | None:
    token = APIToken.objects.select_related("user__unit").filter(key_hash=_digest(key)).first()
    if token is None or not token.user.is_active or token_expired(token, timezone.now()):
        return None
    if request is not None and AxesProxyHandler.is_locked(request, {"username": token.user.username}):
        return None
    return token.user


class BearerTokenMiddleware:
    """Authenticates `Authorization: Bearer <key>` before jurisdiction is decided, so token
    callers are scoped exactly like the same person in the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        request.auth_via_token = False
        if header.startswith("Bearer ") and request.path.startswith("/api/"):
            user = user_for_token(header.removeprefix("Bearer ").strip(), request)
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True  # no cookie, so no CSRF exposure
                request.auth_via_token = True
        return self.get_response(request)
