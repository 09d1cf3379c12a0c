from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from accounts.models import Unit, User
from core.rows import instance, select_list

# The role codes travel in the same row as the user: one statement per request for who is asking.
_ROLE_LIST = {"postgresql": "string_agg(r.role_id, ',')", "sqlite": "group_concat(r.role_id, ',')"}


def _user_sql(vendor: str) -> str:
    roles = User.roles.through._meta.db_table
    # Table and column names are the models' own.
    return (
        f"SELECT {select_list(User, 'u')}, {select_list(Unit, 'n')}, "  # noqa: S608
        f"(SELECT {_ROLE_LIST[vendor]} FROM {roles} r WHERE r.user_id = u.id) "
        f"FROM {User._meta.db_table} u LEFT JOIN {Unit._meta.db_table} n ON n.id = u.unit_id WHERE u.id = %s"
    )


def load_staff(user_id) -> User | None:
    """The user with their unit and role codes, read in one statement (every request needs all three:
    jurisdiction, audit actor, permissions)."""
    connection = connections[router.db_for_read(User)]
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(connection.vendor), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(User._meta.concrete_fields)
    user = instance(User, row[:width], connection)
    if user.unit_id is not None:
        user.unit = instance(Unit, row[width:-1], connection)
    user.role_codes = frozenset(row[-1].split(",")) if row[-1] else frozenset()
    return user


class StaffBackend(ModelBackend):
    """ModelBackend that loads a session's user with unit and roles in one statement."""

    def get_user(self, user_id):
        try:
            user = load_staff(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
