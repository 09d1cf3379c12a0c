"""The complaint deadline in force from the start: dated data, changed by adding a later row."""

from datetime import date

from django.db import migrations

DEFAULT_WORKING_DAYS = 15
BASIS = "群众投诉15个工作日内答复（本地效能投诉办理规定，各县可按本地文件录入新的生效记录）"


def create(apps, schema_editor):
    ComplaintLimit = apps.get_model("portal", "ComplaintLimit")
    ComplaintLimit.objects.get_or_create(
        effective_from=date(2020, 1, 1), defaults={"working_days": DEFAULT_WORKING_DAYS, "basis": BASIS}
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
