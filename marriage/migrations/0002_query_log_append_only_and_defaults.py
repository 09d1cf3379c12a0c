from django.db import migrations

from core.append_only import AppendOnly
from policy.defaults import CIVIL_CODE_DOCUMENT, MARRIAGE_DEFAULTS, MARRIAGE_EFFECTIVE_FROM


def load_defaults(apps, schema_editor):
    """The Civil Code's marriage numbers as national parameters (area ""), once."""
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    document, _ = PolicyDocument.objects.get_or_create(
        number=CIVIL_CODE_DOCUMENT["number"], defaults=CIVIL_CODE_DOCUMENT
    )
    for key, value in MARRIAGE_DEFAULTS.items():
        PolicyParameter.objects.get_or_create(
            area_code="",
            key=str(key),
            effective_from=MARRIAGE_EFFECTIVE_FROM,
            defaults={"value": value, "document": document, "note": "全国默认值（民法典）"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("marriage", "0001_initial"),
        ("policy", "0005_programmes_for_new_lines"),
    ]

    operations = [
        AppendOnly("marriage_maritalstatusquery"),
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
    ]
