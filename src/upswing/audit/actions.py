"""Writing the audit trail: `record_event`, called by every action that changes a record.

    with transaction.atomic():
        before = field_values(plan, ["status", "owner_id"])
        plan.status = PlanStatus.APPROVED
        plan.save()
        record_event(actor=user, role=Role.OPERATIONS_MANAGER, action="plan.approve", obj=plan,
                     changes=diff_fields(before, field_values(plan, ["status", "owner_id"])))

Both rows commit together or neither does. `changes` holds only what the caller passes, so a
caller records that a confidential text field changed (e.g. `{"notes": ["<changed>", ...]}`
is the caller's choice), never its words unless it deliberately passes them.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from upswing.audit.chain import CHAINED_FIELDS, GENESIS, event_hash
from upswing.audit.middleware import current_request_id
from upswing.audit.models import AuditEvent
from upswing.bulk import collector_paused

# Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_ID = 0x55505357494E47  # "UPSWING"


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    role: str = "",
    request_id: str | None = None,
    allow_autocommit: bool = False,
) -> AuditEvent:
    """Append one audit event, inside the caller's transaction.

    actor: a user, None (the system), or a label such as "cli" for runs without a user.
    obj: the record acted on; fills object_type ("app_label.model") and object_id (its pk)
    unless they are given. request_id: None takes the current request's (middleware).
    allow_autocommit: only for a write that is its own unit of work (e.g. a failed sign-in);
    otherwise a call outside `transaction.atomic()` is a bug and raises.
    """
    using = router.db_for_write(AuditEvent)
    if not allow_autocommit:
        _require_atomic(using)
    event = _build(actor, action, obj, object_type, object_id, changes, reason, role, request_id)
    with transaction.atomic(using=using):
        _chain(using, [event])
        event.save(using=using)
    return event


def record_events(
    *, actor, role: str = "", events: Iterable[Mapping[str, Any]], reason: str = ""
) -> int:
    """Append many events at once (an import: one per record), inside the caller's transaction;
    returns how many.

    Each mapping holds `action` and any of `obj`, `object_type`, `object_id`, `changes`,
    `reason`; the actor, role, request id and time are shared (one unit of work). The events
    are built as plain rows, not model instances: an import of 20,000 agents writes 40,000.
    """
    using = router.db_for_write(AuditEvent)
    _require_atomic(using)
    user, label = _actor(actor)
    shared = {
        "at": timezone.now().astimezone(dt.UTC),
        "actor_id": None if user is None else user.pk,
        "actor_label": label,
        "role": str(role),
        "request_id": current_request_id(),
    }
    with collector_paused():
        rows = [_row(shared, spec, reason) for spec in events]
        if rows:
            _chain(using, rows)
            _insert_many(using, rows)
    return len(rows)


@dataclass(slots=True)
class _EventRow:
    """An event of `record_events`: the stored columns, without a model instance."""

    at: dt.datetime
    actor_id: int | None
    actor_label: str
    role: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, list]
    reason: str
    request_id: str
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""


def _row(shared: Mapping[str, Any], spec: Mapping[str, Any], reason: str) -> _EventRow:
    if not spec.get("action"):
        raise ValueError("an audit event needs an action")
    obj = spec.get("obj")
    object_type, object_id = spec.get("object_type", ""), spec.get("object_id", "")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return _EventRow(
        action=spec["action"],
        object_type=object_type,
        object_id=str(object_id),
        changes=_serialise_changes(spec.get("changes") or {}),
        reason=spec.get("reason", reason),
        **shared,
    )


# Every stored column of an event but its id, in the order `_insert_many` writes them.
_COLUMNS = ("at", "actor", "actor_label", "role", "action", "object_type", "object_id",
            "changes", "reason", "request_id", "seq", "prev_hash", "hash")  # fmt: skip


def _insert_many(using: str, events: list[_EventRow]) -> None:
    """One parameterised INSERT run over every event. Only the time and the JSON diff need
    their field's conversion; the rest are plain text and integers (Django's bulk_create
    converts every value of every row through its field: most of the time of an import's
    40,000 events)."""
    connection = connections[using]
    meta = AuditEvent._meta
    fields = [meta.get_field(name) for name in _COLUMNS]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - quoted identifiers
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    at = meta.get_field("at")  # the events of one call share their time: converted once
    times = {t: at.get_db_prep_save(t, connection) for t in {e.at for e in events}}
    changes = meta.get_field("changes")
    params = [
        (
            times[e.at],
            e.actor_id,
            e.actor_label,
            e.role,
            e.action,
            e.object_type,
            e.object_id,
            changes.get_db_prep_save(e.changes, connection),
            e.reason,
            e.request_id,
            e.seq,
            e.prev_hash,
            e.hash,
        )
        for e in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


HIDDEN = "<hidden>"


def hide_values(changes: Mapping[str, list], fields: Iterable[str]) -> dict[str, list]:
    """The same diff with the values of `fields` hidden (personal data: names, emails, notes).

    The trail cannot be erased (append-only), so it records that such a field was set or
    changed, never what it said; the record itself can then be pseudonymised.
    """
    hidden = set(fields)
    return {
        name: [None if v is None else HIDDEN for v in pair] if name in hidden else list(pair)
        for name, pair in changes.items()
    }


def chain_key() -> bytes:
    """The secret the chain is keyed with: UPSWING_AUDIT_KEY, else the SECRET_KEY."""
    key = getattr(settings, "UPSWING_AUDIT_KEY", "") or settings.SECRET_KEY
    return key.encode("utf-8")


def chain_payload(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


def _require_atomic(using: str) -> None:
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            "record_event must run inside the transaction.atomic() that makes the change, "
            "so that the change and its audit event commit or roll back together."
        )


def _build(actor, action, obj, object_type, object_id, changes, reason, role, request_id):
    if not action:
        raise ValueError("an audit event needs an action")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user, label = _actor(actor)
    return AuditEvent(
        actor=user,
        actor_label=label,
        role=str(role),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_serialise_changes(changes or {}),
        reason=reason,
        request_id=current_request_id() if request_id is None else request_id,
    )


def _chain(using: str, events: list[AuditEvent] | list[_EventRow]) -> None:
    """Give events their place in the chain; the caller inserts them in this transaction.

    Appends are serialised: PostgreSQL by a transaction-scoped advisory lock, SQLite by its
    write lock (the settings open every transaction IMMEDIATE). The unique `seq` is the
    backstop: two writers could never both take the same place.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
    head = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    seq, prev = head if head is not None else (0, GENESIS)
    key = chain_key()
    for event in events:
        seq += 1
        event.at = event.at.astimezone(dt.UTC)
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_hash(chain_payload(event), key)


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """The fields whose values differ, as {field: [before, after]} (a missing key is None)."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def field_values(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A snapshot of some fields of a record, for `diff_fields` (a foreign key: its id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values


def _actor(actor) -> tuple[Any, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return actor, actor.get_username()


def _serialise_changes(changes: Mapping[str, Any]) -> dict[str, list]:
    out = {}
    for name, pair in changes.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(f"changes[{name!r}] must be a [before, after] pair")
        out[str(name)] = [jsonable(pair[0]), jsonable(pair[1])]
    return out


_JSON_AS_IS = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a field value: dates as ISO text, decimals as exact text."""
    if type(value) in _JSON_AS_IS:  # most values (checked first, for speed)
        return value
    if isinstance(value, enum.Enum):  # before str: a StrEnum is a str
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return jsonable(value.pk)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot record a {type(value).__name__} in an audit event")
