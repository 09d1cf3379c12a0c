"""A migration operation that makes a table append-only in the database itself (PostgreSQL and
SQLite): UPDATE and DELETE raise. Used for the audit log and the ledger's event tables."""

from django.db import migrations

MESSAGE = "只能追加，不能修改或删除 (append-only table)"


def _pg_forbid(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table}: {MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();",
    ]


def _pg_allow(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP FUNCTION IF EXISTS {table}_append_only();",
    ]


def _sqlite_forbid(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END;"
        for op in ("UPDATE", "DELETE")
    ]


def _sqlite_allow(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def statements(table: str, vendor: str, forbid: bool) -> list[str]:
    if vendor == "postgresql":
        return _pg_forbid(table) if forbid else _pg_allow(table)
    return _sqlite_forbid(table) if forbid else _sqlite_allow(table)


def AppendOnly(table: str) -> migrations.RunPython:
    def forward(apps, schema_editor):
        for sql in statements(table, schema_editor.connection.vendor, forbid=True):
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        for sql in statements(table, schema_editor.connection.vendor, forbid=False):
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)


def allow_changes(table: str, connection) -> None:
    """Drop the protection (what a DBA with direct access could do) — for tamper tests only."""
    with connection.cursor() as cursor:
        for sql in statements(table, connection.vendor, forbid=False):
            cursor.execute(sql)
