from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("marriage", "0002_query_log_append_only_and_defaults")]

    operations = [
        migrations.RemoveIndex(model_name="marriagerecord", name="marriage_man_status_idx"),
        migrations.RemoveIndex(model_name="marriagerecord", name="marriage_woman_status_idx"),
        migrations.AddIndex(
            model_name="marriagerecord",
            index=models.Index(fields=["man_id_number", "status", "kind", "area_code"], name="marriage_man_answer_idx"),
        ),
        migrations.AddIndex(
            model_name="marriagerecord",
            index=models.Index(
                fields=["woman_id_number", "status", "kind", "area_code"], name="marriage_woman_answer_idx"
            ),
        ),
    ]
