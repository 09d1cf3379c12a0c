"""Leave room in each page of ledger_enrolment (PostgreSQL) so the review job's rewrite of the
unindexed review columns can be a HOT update — no index entries touched for 300,000 rows."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_enrolment SET (fillfactor = 70)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_enrolment RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_fewer_enrolment_indexes")]
    operations = [migrations.RunPython(forward, backward)]
