"""The hash chain (upswing.audit.chain) and the stricter triggers (upswing.audit.append_only).

Existing events are chained in the order they were written (by id). The owner runs this
migration: the triggers are dropped for it and installed again at the end (on SQLite the
table is rebuilt on the way, which would drop them anyway).
"""

from django.db import migrations, models

from upswing.audit.append_only import install_triggers, remove_triggers
from upswing.audit.chain import GENESIS, event_hash


def _table(apps):
    return apps.get_model("audit", "AuditEvent")._meta.db_table


def drop_triggers(apps, schema_editor):
    remove_triggers(schema_editor, _table(apps))


def old_triggers(apps, schema_editor):
    install_triggers(schema_editor, _table(apps), unique_columns=("id",))


def new_triggers(apps, schema_editor):
    install_triggers(schema_editor, _table(apps), unique_columns=("id", "seq"))


def chain_existing_events(apps, schema_editor):
    from upswing.audit.actions import chain_key

    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    key = chain_key()
    prev = GENESIS
    for seq, event in enumerate(AuditEvent.objects.using(db).order_by("id").iterator(), 1):
        payload = {
            "seq": seq,
            "at": event.at,
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "role": event.role,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "changes": event.changes,
            "reason": event.reason,
            "request_id": event.request_id,
            "prev_hash": prev,
        }
        digest = event_hash(payload, key)
        AuditEvent.objects.using(db).filter(pk=event.pk).update(
            seq=seq, prev_hash=prev, hash=digest
        )
        prev = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(drop_triggers, old_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", help_text="the hash of event seq - 1", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", help_text="HMAC-SHA256 of this event's canonical JSON", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(help_text="1, 2, 3, … with no holes", unique=True),
        ),
        migrations.RunPython(new_triggers, drop_triggers),
    ]
