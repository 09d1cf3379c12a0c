"""Who is asking: the user with their unit and role codes, read in one statement through the ORM.

Every request needs all three (jurisdiction, audit actor, permissions); the role codes come as one
aggregated column of the same row instead of a query of their own (`User.role_codes`)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery

from accounts.models import User


class CommaList(Aggregate):
    """The values joined with commas: string_agg on PostgreSQL, group_concat on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def role_codes_of(user_ref: str) -> Subquery:
    """The role codes of the user `user_ref` points at (an OuterRef path), comma-separated or None."""
    links = User.roles.through.objects.filter(user_id=OuterRef(user_ref))
    return Subquery(links.values("user_id").annotate(codes=CommaList("role_id")).values("codes")[:1])


def set_role_codes(user: User, codes: str | None) -> User:
    """Give `user` the role codes read with it, so `user.role_codes` asks no query."""
    user.role_codes = frozenset(codes.split(",")) if codes else frozenset()
    return user


def staff() -> QuerySet:
    """Users with their unit and the role codes in `role_list`."""
    return User.objects.select_related("unit").annotate(role_list=role_codes_of("pk"))


def load_staff(user_id) -> User | None:
    """The user with their unit and role codes, or None."""
    user = staff().filter(pk=user_id).first()
    return None if user is None else set_role_codes(user, user.role_list)


class StaffBackend(ModelBackend):
    """ModelBackend that loads a session's user with unit and roles in one statement."""

    def get_user(self, user_id):
        try:
            user = load_staff(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
