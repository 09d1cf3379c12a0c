"""Row-level security on the personal-data tables (areas/row_security.py, ADR 0025). PostgreSQL only.

Enabled, not forced: the owning role (migrations, the task worker's bulk COPY, backups) is not bound; the web
service's own role is."""

from django.db import migrations

TABLES = (
    "registry_person",
    "registry_household",
    "registry_membership",
    "registry_document",
    "assistance_application",
    "assistance_survey",
    "assistance_closerelative",
    "assistance_temporaryaidpayment",
    "cases_case",
    "ledger_enrolment",
    "monitoring_monitoredhousehold",
    "monitoring_warning",
)
PREFIX = "current_setting('minzheng.area_prefix', true)"


def enable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        schema_editor.execute(
            f'CREATE POLICY minzheng_area_read ON "{table}" FOR SELECT USING ('
            f"coalesce({PREFIX}, '') = '' OR left(area_code, length({PREFIX})) = {PREFIX})"
        )
        for command in ("INSERT", "UPDATE", "DELETE"):
            check = "WITH CHECK (true)" if command != "DELETE" else ""
            using = "USING (true)" if command != "INSERT" else ""
            schema_editor.execute(
                f'CREATE POLICY minzheng_area_{command.lower()} ON "{table}" FOR {command} {using} {check}'
            )


def disable(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for name in ("read", "insert", "update", "delete"):
            schema_editor.execute(f'DROP POLICY IF EXISTS minzheng_area_{name} ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_organisations"),
        ("assistance", "0007_programmes_for_new_lines"),
        ("cases", "0008_step_roles_for_new_lines"),
        ("ledger", "0009_programmes_for_new_lines"),
        ("monitoring", "0006_field_report_signal"),
    ]

    operations = [migrations.RunPython(enable, disable, elidable=False)]
