from django.db import migrations

from policy.defaults import NATIONAL_DEFAULTS, NATIONAL_DOCUMENT


def load(apps, schema_editor):
    PolicyDocument = apps.get_model("assistance", "PolicyDocument")
    PolicyParameter = apps.get_model("assistance", "PolicyParameter")
    document, _ = PolicyDocument.objects.get_or_create(number=NATIONAL_DOCUMENT["number"], defaults=NATIONAL_DOCUMENT)
    for key, value in NATIONAL_DEFAULTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="",
            key=str(key),
            effective_from=NATIONAL_DOCUMENT["issued_on"],
            defaults={"value": value, "document": document, "note": "全国默认值"},
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_policy_parameters")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
