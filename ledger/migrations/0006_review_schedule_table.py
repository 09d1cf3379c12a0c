"""The review schedule moves out of ledger_enrolment into its own narrow table, which the schedule
job rewrites instead of the wide, heavily indexed enrolment rows; with nothing rewriting those in
bulk any more, the free space 0005 left in each page goes back to the payment rolls' scans."""

import django.db.models.deletion
from django.db import migrations, models

COPY = """
INSERT INTO ledger_reviewschedule (enrolment_id, area_code, due_on, reason)
SELECT id, area_code, review_due_on,
       CASE review_reason WHEN '家庭成员死亡，须在规定期限内复核' THEN 'death'
                          WHEN '收入稳定家庭定期复核' THEN 'stable'
                          ELSE 'unstable' END
FROM ledger_enrolment
WHERE review_due_on IS NOT NULL AND status IN ('in_payment', 'suspended')
"""


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_enrolment RESET (fillfactor)")


def restore_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_enrolment SET (fillfactor = 70)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_enrolment_fillfactor")]

    operations = [
        migrations.CreateModel(
            name="ReviewSchedule",
            fields=[
                (
                    "enrolment",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="review_schedule",
                        serialize=False,
                        to="ledger.enrolment",
                        verbose_name="保障对象",
                    ),
                ),
                ("area_code", models.CharField(max_length=15, verbose_name="区划代码")),
                ("due_on", models.DateField(verbose_name="下次复核期限")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("stable", "收入稳定家庭定期复核"),
                            ("unstable", "收入不稳定或有劳动能力成员家庭定期复核"),
                            ("death", "家庭成员死亡，须在规定期限内复核"),
                        ],
                        max_length=10,
                        verbose_name="复核原因",
                    ),
                ),
            ],
            options={
                "verbose_name": "复核计划",
                "verbose_name_plural": "复核计划",
                "ordering": ["due_on", "enrolment"],
            },
        ),
        migrations.RunSQL(COPY, reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveField(model_name="enrolment", name="review_due_on"),
        migrations.RemoveField(model_name="enrolment", name="review_reason"),
        migrations.RunPython(reset_fillfactor, restore_fillfactor),
    ]
