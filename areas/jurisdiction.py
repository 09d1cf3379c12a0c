"""Jurisdiction (属地管理): the one place where area-owned data is restricted to a user's area.

Every area-owned model inherits `AreaOwned`; its default manager filters by the current scope,
an area-code prefix held in a context variable. The request middleware sets the scope from the
logged-in staff member's unit; background jobs and management commands set it explicitly. When no
scope has been set the manager raises instead of returning everything, so a forgotten scope is an
error at once, not a leak: list pages, detail pages, exports, the API and jobs all inherit this.

`AreaOwned.unscoped` is the deliberate escape hatch (authentication, public pages that pick an
area themselves, the audit chain). Grep for it in review.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas import row_security
from areas.codes import prefix_of, validate_code


@dataclass(frozen=True)
class Scope:
    """What the current actor may see: every code starting with `prefix`.

    prefix "" means the whole system (system jobs, superusers); `nothing` means no area at all
    (anonymous visitors, staff without a unit): its prefix is one no area code starts with, so SQL
    that narrows by the prefix (`LIKE prefix%`, a range, `startswith`) reads nothing, never everything.
    """

    prefix: str
    nothing: bool = False

    def allows(self, code: str) -> bool:
        return not self.nothing and code.startswith(self.prefix)


SYSTEM = Scope(prefix="")
NOTHING = Scope(prefix=row_security.NO_AREA, nothing=True)

_current: ContextVar[Scope | None] = ContextVar("minzheng_jurisdiction", default=None)


class JurisdictionNotSet(RuntimeError):
    """Area-owned data was queried outside any jurisdiction scope."""


def current_scope() -> Scope:
    scope = _current.get()
    if scope is None:
        raise JurisdictionNotSet("No jurisdiction scope is active: wrap the code in `within(...)` or `system_scope()`.")
    return scope


def scope_for_area(code: str) -> Scope:
    return Scope(prefix=prefix_of(validate_code(code)))


def scope_for_user(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser and not user.area_code:
        return SYSTEM
    if not user.area_code:
        return NOTHING
    return scope_for_area(user.area_code)


@contextmanager
def within(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    guarded = row_security.enabled()
    if guarded:
        row_security.apply(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
        if guarded:
            row_security.apply(_current.get())


def system_scope():
    """For system work that legitimately spans all areas (imports, nightly jobs, tests' set-up)."""
    return within(SYSTEM)


class ScopedQuerySet(models.QuerySet):
    def in_area(self, code: str) -> "ScopedQuerySet":
        """Narrow further to one area and what lies below it (never widens the scope)."""
        return self.filter(**{f"{self.model.area_field}__startswith": prefix_of(code)})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    def get_queryset(self) -> ScopedQuerySet:
        queryset = super().get_queryset()
        scope = current_scope()
        if scope.nothing:
            return queryset.none()
        if scope.prefix:
            queryset = queryset.filter(**{f"{self.model.area_field}__startswith": scope.prefix})
        return queryset


class AreaOwned(models.Model):
    """A row that belongs to an area: it carries the area's code and is scoped by it."""

    area_field = "area_code"

    area_code = models.CharField(_("区划代码"), max_length=15, db_index=True)

    objects = ScopedManager()
    unscoped = models.Manager.from_queryset(ScopedQuerySet)()

    class Meta:
        abstract = True


class JurisdictionMiddleware:
    """Sets the scope of each request from the logged-in user, and clears it afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with within(scope_for_user(request.user)):
            request.jurisdiction = current_scope()
            return self.get_response(request)
