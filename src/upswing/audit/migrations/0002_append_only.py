"""Make the audit table append-only in the database itself (see upswing.audit.append_only)."""

from django.db import migrations

from upswing.audit.append_only import install_triggers, remove_triggers


def forwards(apps, schema_editor):
    install_triggers(
        schema_editor, apps.get_model("audit", "AuditEvent")._meta.db_table, unique_columns=("id",)
    )


def backwards(apps, schema_editor):
    remove_triggers(schema_editor, apps.get_model("audit", "AuditEvent")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
