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
from decimal import Decimal
from typing import Any

from django.db import models, router, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from upswing.audit.middleware import current_request_id
from upswing.audit.models import AuditEvent


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
    if not action:
        raise ValueError("an audit event needs an action")
    using = router.db_for_write(AuditEvent)
    if not allow_autocommit and not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            "record_event must run inside the transaction.atomic() that makes the change, "
            "so that the change and its audit event commit or roll back together."
        )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user, label = _actor(actor)
    event = AuditEvent(
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
    event.save(using=using)
    return event


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


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a field value: dates as ISO text, decimals as exact text."""
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
