"""Who is asking: the user with their unit and role codes, read in one statement through the ORM.

Every request needs all three (jurisdiction, audit actor, permissions); the role codes come as one
aggregated column of the same row instead of a query of their own (`User.role_codes`)."""

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import User

_COMMA_LIST = {"postgresql": "string_agg", "sqlite": "group_concat"}


def role_codes_of(model, user_column: str) -> RawSQL:
    """The role codes of the user whose id is in `user_column` of `model`'s table, comma-separated
    (None without roles), as a correlated subquery. Plain SQL: as a Subquery of the ORM the
    aggregate cost half the CPU of reading the session with its user (0.54 of 1.06 ms, in-process);
    `accounts/tests/test_sessions.py` compares it with `user.roles`."""
    quote = connection.ops.quote_name
    roles = quote(User.roles.through._meta.db_table)
    outer = f"{quote(model._meta.db_table)}.{quote(user_column)}"
    return RawSQL(  # noqa: S611 - the names are the models' own, there are no values
        f"SELECT {_COMMA_LIST[connection.vendor]}(r.{quote('role_id')}, ',') FROM {roles} r "  # noqa: S608
        f"WHERE r.{quote('user_id')} = {outer}",
        (),
        output_field=CharField(),
    )


def set_role_codes(user: User, codes: str | None) -> User:
    """Give `user` the role codes read with it, so `user.role_codes` asks no query."""
    user.role_codes = frozenset(codes.split(",")) if codes else frozenset()
    return user


def staff() -> QuerySet:
    """Users with their unit and the role codes in `role_list`."""
    return User.objects.select_related("unit").annotate(role_list=role_codes_of(User, "id"))


def load_staff(user_id) -> User | None:
    """The user with their unit and role codes, or None."""
    try:
        user = staff().get(pk=user_id)
    except User.DoesNotExist:
        return None
    return set_role_codes(user, user.role_list)


class StaffBackend(ModelBackend):
    """ModelBackend that loads a session's user with unit and roles in one statement."""

    def get_user(self, user_id):
        try:
            user = load_staff(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
