"""The database itself refuses UPDATE and DELETE on the audit log (PostgreSQL and SQLite)."""

from django.db import migrations

from core.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]
    operations = [AppendOnly("audit_auditentry")]
