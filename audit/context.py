"""Who is acting right now: set per request, or by a job/command, read by the audit recorder."""

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


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
    """The address of the person at the other end, as far as this server can know it.

    X-Forwarded-For can be written by anyone, so it is read only when the request came from one of
    the bureau's own reverse proxies (settings.TRUSTED_PROXIES, addresses or networks); then the
    nearest address in the header that is not itself a trusted proxy is the client's. Otherwise the
    socket's address is the client's, whatever the header says."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop if _is_address(hop) else remote
    return remote


def _trusted_networks() -> list:
    networks = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # refused when the settings load (minzheng.settings)
    return networks


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(actor_for_user(request.user, client_ip(request))):
            return self.get_response(request)
