from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from accounts.models import Unit, User
from core.rows import instance, select_list

# The role codes travel in the same row as the user: one statement per request for who is asking.
_ROLE_LIST = {"postgresql": "string_agg(r.role_id, ',')", "sqlite": "group_concat(r.role_id, ',')"}


def staff_columns(vendor: str) -> str:
    """The select list of a user `u` with their unit `n` (joined by `STAFF_JOIN`) and role codes."""
    roles = User.roles.through._meta.db_table
    return (
        f"{select_list(User, 'u')}, {select_list(Unit, 'n')}, "  # noqa: S608 - the models' own names
        f"(SELECT {_ROLE_LIST[vendor]} FROM {roles} r WHERE r.user_id = u.id)"
    )


STAFF_JOIN = f"LEFT JOIN {Unit._meta.db_table} n ON n.id = u.unit_id"


def staff_from_row(row, connection) -> User | None:
    """The user of a row of `staff_columns()` (None when the user's columns are empty)."""
    width = len(User._meta.concrete_fields)
    if row[0] is None:
        return None
    user = instance(User, row[:width], connection)
    if user.unit_id is not None:
        user.unit = instance(Unit, row[width:-1], connection)
    user.role_codes = frozenset(row[-1].split(",")) if row[-1] else frozenset()
    return user


def load_staff(user_id) -> User | None:
    """The user with their unit and role codes, read in one statement (every request needs all three:
    jurisdiction, audit actor, permissions)."""
    connection = connections[router.db_for_read(User)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {staff_columns(connection.vendor)} FROM {User._meta.db_table} u {STAFF_JOIN} WHERE u.id = %s",  # noqa: S608
            [user_id],
        )
        row = cursor.fetchone()
    return None if row is None else staff_from_row(row, connection)


class StaffBackend(ModelBackend):
    """ModelBackend that loads a session's user with unit and roles in one statement."""

    def get_user(self, user_id):
        try:
            user = load_staff(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
