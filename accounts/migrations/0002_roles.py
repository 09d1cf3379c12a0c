from django.db import migrations

from accounts.roles import RoleCode


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_units_and_staff")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
