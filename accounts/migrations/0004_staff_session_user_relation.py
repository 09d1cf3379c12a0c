"""StaffSession.user_id becomes a relation to the user without a database constraint, so the ORM
reads the session with its user in one statement. The column (bigint, indexed) stays as it is."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_sessions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="staffsession", name="user_id"),
                migrations.AddField(
                    model_name="staffsession",
                    name="user",
                    field=models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
