"""The database itself refuses UPDATE and DELETE on the audit log (PostgreSQL and SQLite)."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '操作日志只能追加，不能修改或删除 (audit log is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_FORBID = [
    f"CREATE TRIGGER audit_entry_no_{op.lower()} BEFORE {op} ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, '操作日志只能追加，不能修改或删除 (audit log is append-only)'); END;"
    for op in ("UPDATE", "DELETE")
]
SQLITE_ALLOW = ["DROP TRIGGER IF EXISTS audit_entry_no_update;", "DROP TRIGGER IF EXISTS audit_entry_no_delete;"]


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)
    else:
        for statement in SQLITE_FORBID:
            schema_editor.execute(statement)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)
    else:
        for statement in SQLITE_ALLOW:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]
    operations = [migrations.RunPython(forbid, allow)]
