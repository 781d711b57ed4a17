"""The default retention schedule (edit it in the admin to match your policy)."""

from django.db import migrations

DEFAULTS = [
    ("coaching_notes", 730, "default: two years after the session"),
    ("action_items", 730, "default: two years after the session"),
    ("plan_records", 2190, "default: six years after closing (legal-claims period)"),
]


def forwards(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_class, days, basis in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_class=record_class, defaults={"keep_days": days, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
