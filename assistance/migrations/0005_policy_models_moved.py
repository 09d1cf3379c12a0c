"""PolicyDocument and PolicyParameter moved to the policy app (issue 17): only Django's state changes
here; the tables are kept and renamed by policy 0002."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_arrears_window"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="policyparameter", name="document"),
                migrations.DeleteModel(name="PolicyDocument"),
                migrations.DeleteModel(name="PolicyParameter"),
            ],
        ),
    ]
