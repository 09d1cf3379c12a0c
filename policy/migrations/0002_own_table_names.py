"""The policy tables take this app's own names (policy_policydocument, policy_policyparameter)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0001_initial"),
        ("assistance", "0005_policy_models_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="policydocument", table=None),
        migrations.AlterModelTable(name="policyparameter", table=None),
    ]
