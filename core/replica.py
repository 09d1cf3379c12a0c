"""Reads that may go to a streaming replica (docs/production.md, ADR 0025).

With MINZHENG_REPLICA_URL set, the database alias "replica" is a hot standby of "default". Only work that reads
and may be a moment behind goes there — the leader's cockpit, the registry's search lists, Excel exports — and
only inside `reads_from_replica()`, which the ReplicaReadsMiddleware opens for such GET requests and the export
job opens for its builder. Everything else, every write, every read inside a transaction, and every table where
a stale read would be wrong (sessions, accounts, the audit chain, jobs) stays on the primary. After a user's own
write their next few seconds of reads stay on the primary too (read-after-write), through a short-lived cookie.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

REPLICA = "replica"
# Tables whose reads must see the latest write: a lagging session or audit tail would be a bug, not a delay.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "accounts", "auth", "axes", "audit", "jobs", "django_tasks_database", "otp_totp", "contenttypes"}
)
PINNED_COOKIE = "mz_primary"

_reading: ContextVar[bool] = ContextVar("minzheng_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within this block, reads of business tables go to the replica when one is configured."""
    token = _reading.set(replica_configured())
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: writes and migrations to the primary always; reads to the replica only when asked."""

    def db_for_read(self, model, **hints):
        if not _reading.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if not transaction.get_autocommit(DEFAULT_DB_ALIAS):
            return None  # inside a transaction on the primary: read what it is about to write
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema by streaming


def _wants_replica(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.COOKIES.get(PINNED_COOKIE):
        return False
    path = request.path_info
    if "export" in request.GET:
        return True
    return any(path.startswith(prefix) for prefix in settings.REPLICA_READ_PREFIXES) or (
        path in settings.REPLICA_READ_PATHS
    )


class ReplicaReadsMiddleware:
    """Opens `reads_from_replica()` for the report, search and export GETs; pins a user to the primary for a
    few seconds after their own write so they always see it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        if _wants_replica(request):
            with reads_from_replica():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PINNED_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
