from django.db import migrations

from core.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_enrolments_and_events")]
    operations = [AppendOnly("ledger_enrolmentevent")]
