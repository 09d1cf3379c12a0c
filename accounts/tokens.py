"""Bearer tokens for the REST API."""

import hashlib
import secrets

from django.utils import timezone

from accounts.models import APIToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user: User, name: str, expires_at=None) -> str:
    """Create a token and return its key; the key is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    APIToken.objects.create(user=user, name=name, key_hash=_digest(key), expires_at=expires_at)
    return key


def user_for_token(key: str) -> User | None:
    token = APIToken.objects.select_related("user__unit").filter(key_hash=_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at and token.expires_at <= timezone.now():
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
        if header.startswith("Bearer "):
            user = user_for_token(header.removeprefix("Bearer ").strip())
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True  # no cookie, so no CSRF exposure
                request.auth_via_token = True
        return self.get_response(request)
