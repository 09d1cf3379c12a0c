"""Keyed audit entries (audit.anchor) and, on PostgreSQL, TRUNCATE of the audit log refused."""

from django.db import migrations, models

from core.append_only import statements

TRUNCATE_FORBID = [
    """CREATE OR REPLACE FUNCTION audit_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_auditentry: 只能追加，不能清空 (append-only table)'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON audit_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_no_truncate();",
]
TRUNCATE_ALLOW = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_auditentry_no_truncate();",
]


def forbid_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRUNCATE_FORBID:
            schema_editor.execute(sql)
    else:
        # SQLite rebuilt the table to add the column, and its triggers went with the old table.
        for sql in statements("audit_auditentry", "sqlite", forbid=False) + statements(
            "audit_auditentry", "sqlite", forbid=True
        ):
            schema_editor.execute(sql)


def allow_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in TRUNCATE_ALLOW:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="keyed",
            field=models.BooleanField(default=False, verbose_name="密钥链"),
        ),
        migrations.RunPython(forbid_truncate, allow_truncate),
    ]
