"""Who is acting right now: set per request, or by a job/command, read by the audit recorder."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    unit_name: str
    ip: str
    area_code: str


SYSTEM_ACTOR = Actor(user_id=None, username="system", unit_name="系统", ip="", area_code="")
_actor: ContextVar[Actor] = ContextVar("minzheng_actor", default=SYSTEM_ACTOR)


def current_actor() -> Actor:
    return _actor.get()


def actor_for_user(user, ip: str = "") -> Actor:
    if not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="anonymous", unit_name="", ip=ip, area_code="")
    unit = user.unit.name if user.unit_id else ""
    return Actor(user_id=user.pk, username=user.username, unit_name=unit, ip=ip, area_code=user.area_code)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def client_ip(request) -> str:
    # Behind the bureau's reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(actor_for_user(request.user, client_ip(request))):
            return self.get_response(request)
