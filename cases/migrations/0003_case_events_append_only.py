from django.db import migrations

PG_FORBID = """
CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '办件记录只能追加，不能修改或删除 (case timeline is append-only)'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();
"""
PG_ALLOW = """
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_caseevent_append_only();
"""
SQLITE_FORBID = [
    f"CREATE TRIGGER cases_caseevent_no_{op.lower()} BEFORE {op} ON cases_caseevent "
    "BEGIN SELECT RAISE(ABORT, '办件记录只能追加，不能修改或删除 (case timeline is append-only)'); END;"
    for op in ("UPDATE", "DELETE")
]
SQLITE_ALLOW = [
    "DROP TRIGGER IF EXISTS cases_caseevent_no_update;",
    "DROP TRIGGER IF EXISTS cases_caseevent_no_delete;",
]


def forbid(apps, schema_editor):
    statements = [PG_FORBID] if schema_editor.connection.vendor == "postgresql" else SQLITE_FORBID
    for sql in statements:
        schema_editor.execute(sql)


def allow(apps, schema_editor):
    statements = [PG_ALLOW] if schema_editor.connection.vendor == "postgresql" else SQLITE_ALLOW
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_cases_transfers_supervision")]
    operations = [migrations.RunPython(forbid, allow)]
