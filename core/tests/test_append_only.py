"""Every table a migration made append-only still refuses UPDATE and DELETE in the database.

On SQLite, a later migration that adds a column can rebuild the table and lose its triggers without
a word; this test finds that."""

import re

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

pytestmark = pytest.mark.django_db


def _append_only_tables() -> set[str]:
    tables = set()
    for path in settings.BASE_DIR.glob("*/migrations/*.py"):
        text = path.read_text(encoding="utf-8")
        tables.update(re.findall(r'AppendOnly\("([a-z_]+)"\)', text))
        tables.update(re.findall(r"CREATE TRIGGER ([a-z_]+?)_append_only BEFORE", text))
    return tables


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = %s::regclass", [table])
        return {name for (name,) in cursor.fetchall()}


def test_every_append_only_table_keeps_its_triggers():
    tables = _append_only_tables()
    assert {"audit_auditentry", "cases_caseevent", "payments_fundentry"} <= tables
    expected = {"sqlite": ["{t}_no_update", "{t}_no_delete"], "postgresql": ["{t}_append_only"]}[connection.vendor]
    missing = [name.format(t=t) for t in sorted(tables) for name in expected if name.format(t=t) not in _triggers(t)]
    assert not missing, missing


def test_the_audit_log_refuses_an_update_in_the_database(county_bureau):
    from audit.models import AuditEntry

    entry = AuditEntry.unscoped.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.unscoped.filter(pk=entry.pk).update(username="x")
