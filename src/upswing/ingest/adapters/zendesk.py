"""Zendesk Support exports -> canonical `interactions` and `surveys`.

Accepted files (UTF-8 JSON):

- tickets: `{"tickets": [...]}` (GET /api/v2/tickets.json, also the incremental export
  pages), `{"ticket": {...}}`, search results `{"results": [...]}` (only
  `result_type == "ticket"`), a JSON array of tickets, a bare ticket object, or JSON Lines
  of ticket objects (the incremental export stream);
- ratings (legacy CSAT): `{"satisfaction_ratings": [...]}`, `{"satisfaction_rating": {...}}`,
  JSON Lines of ratings, or any tickets file above (each ticket's embedded
  `satisfaction_rating`).

interactions, one row per ticket:
  interaction_id = id; agent_id = assignee_id (Zendesk user id as text);
  started_at = created_at; channel from via.channel (web/email -> email, voice/phone ->
  voice, chat/native_messaging/messaging/sms/whatsapp -> chat,
  twitter/facebook/instagram_dm/social -> social, anything else -> other);
  resolved = status is solved or closed; escalated = "true" only when the ticket has the
  tag `escalated`, otherwise null (Zendesk has no escalation field; priority is not one);
  topic = the ticket type (question/incident/problem/task), else the first tag other than
  `escalated` (Zendesk returns tags sorted, so "first" is alphabetical: a fallback, not a
  classification), else null. program_id is not in Zendesk: it comes from the roster.
  reopened is not in a ticket (it needs ticket metrics or audits): omitted.

Handle time - a LIMITATION: Zendesk tickets carry no handle time. The Zendesk Time
Tracking app stores it in a numeric custom field ("Total time spent (sec)"), whose id is
account-specific. Set `HANDLE_TIME_FIELD_ID` (or build an adapter with
`make_adapter(handle_time_field_id=...)`) to read it; without it handle_seconds is null
on every row, which the validator reports since handle_seconds is required.

Left out on purpose and counted (see `base.skipped_reasons`): unassigned tickets (no
agent to score), deleted tickets (incremental export), older copies of a ticket that
appears more than once (the incremental export repeats tickets: the copy with the latest
updated_at is kept), and legacy ratings "offered"/"unoffered" (not responses).

surveys, one row per rated ticket: interaction_id = ticket_id, kind = "csat", legacy
binary CSAT mapped to the 1-5 scale: good -> "5", bad -> "1"; responded_at =
updated_at, else created_at (ratings embedded in a ticket carry neither: null);
comment = comment when it is text.

Timestamps without an offset are taken as UTC (Zendesk's API always writes UTC).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from upswing.ingest.adapters.base import (
    LINE_COLUMN,
    Adapter,
    JsonRecord,
    Row,
    Where,
    bool_text,
    build_table,
    decimal_text,
    json_number,
    json_type,
    numbered,
    optional_text,
    read_json_records,
    record_id,
    timestamp_text,
    unsupported_kind,
)

NAME = "zendesk"
KINDS = frozenset({"interactions", "surveys"})

# The id of the Time Tracking app's "Total time spent (sec)" custom field, if any.
HANDLE_TIME_FIELD_ID: int | None = None

CHANNELS = {
    "web": "email",
    "email": "email",
    "voice": "voice",
    "phone": "voice",
    "chat": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "sms": "chat",
    "whatsapp": "chat",
    "twitter": "social",
    "facebook": "social",
    "instagram_dm": "social",
    "social": "social",
}
RESOLVED_STATUSES = frozenset({"solved", "closed"})
DELETED_STATUS = "deleted"
ESCALATED_TAG = "escalated"
LEGACY_SCORES = {"good": "5", "bad": "1"}
NOT_RESPONSES = frozenset({"offered", "unoffered"})

UNASSIGNED = "unassigned ticket"
DELETED = "deleted ticket"
OLDER_COPY = "older copy of a repeated record"
NOT_A_RESPONSE = "rating offered or unoffered (not a response)"

INTERACTION_COLUMNS = (
    "interaction_id",
    "agent_id",
    "started_at",
    "handle_seconds",
    "channel",
    "resolved",
    "escalated",
    "topic",
)
SURVEY_COLUMNS = ("interaction_id", "kind", "score", "responded_at", "comment")


@dataclass(frozen=True, slots=True)
class _Keyed:
    """A source record with the key it is de-duplicated on and its last update."""

    key: str
    updated: datetime | None
    record: JsonRecord


# --- public API ---------------------------------------------------------------------------


def read(path: Path, kind: str) -> pa.Table:
    return _reader(None)(path, kind)


def make_adapter(*, handle_time_field_id: int | None = None) -> Adapter:
    """The Zendesk adapter, optionally reading handle time from a custom field."""
    return Adapter(NAME, KINDS, _reader(handle_time_field_id))


def read_tickets(path: Path, *, handle_time_field_id: int | None = None) -> pa.Table:
    """Canonical interactions from a Zendesk tickets file (see the module docstring)."""
    field_id = HANDLE_TIME_FIELD_ID if handle_time_field_id is None else handle_time_field_id
    skipped: Counter[str] = Counter()
    tickets = _latest(_keyed_tickets(read_json_records(path, _unwrap_tickets)), skipped)
    rows = []
    for keyed in tickets:
        row = _ticket_row(keyed.record, field_id, skipped)
        if row is not None:
            rows.append(row)
    return build_table("interactions", INTERACTION_COLUMNS, rows, skipped)


def read_ratings(path: Path) -> pa.Table:
    """Canonical csat surveys from Zendesk ratings or from tickets' embedded ratings."""
    skipped: Counter[str] = Counter()
    ratings = _latest(_keyed_ratings(read_json_records(path, _unwrap_ratings)), skipped)
    rows = []
    for keyed in ratings:
        row = _rating_row(keyed, skipped)
        if row is not None:
            rows.append(row)
    return build_table("surveys", SURVEY_COLUMNS, rows, skipped)


def channel_of(via: Any) -> str:
    """The canonical channel of a ticket's `via` object."""
    channel = via.get("channel") if isinstance(via, dict) else None
    if not isinstance(channel, str):
        return "other"
    return CHANNELS.get(channel.strip().lower(), "other")


# --- shapes -------------------------------------------------------------------------------


def _reader(handle_time_field_id: int | None):
    def read_kind(path: Path, kind: str) -> pa.Table:
        if kind == "interactions":
            return read_tickets(path, handle_time_field_id=handle_time_field_id)
        if kind == "surveys":
            return read_ratings(path)
        raise unsupported_kind(NAME, kind, KINDS)

    return read_kind


def _unwrap_tickets(document: Any, where: Where) -> list[tuple[int, Any]]:
    pairs = _ticket_pairs(document, where)
    if pairs is None:
        raise where.fail(
            "expected Zendesk tickets: {'tickets': [...]}, {'ticket': {...}}, "
            "{'results': [...]}, an array of tickets or JSON Lines of tickets; "
            f"got {_shape(document)}"
        )
    return pairs


def _unwrap_ratings(document: Any, where: Where) -> list[tuple[int, Any]]:
    if isinstance(document, dict) and "satisfaction_ratings" in document:
        return numbered(document["satisfaction_ratings"], where, "satisfaction_ratings")
    if isinstance(document, dict) and "satisfaction_rating" in document and "id" not in document:
        return [(1, document["satisfaction_rating"])]
    if isinstance(document, dict) and _is_rating(document):
        return [(1, document)]
    pairs = _ticket_pairs(document, where)
    if pairs is None:
        raise where.fail(
            "expected Zendesk satisfaction ratings ({'satisfaction_ratings': [...]}, "
            "{'satisfaction_rating': {...}}) or tickets with embedded ratings; "
            f"got {_shape(document)}"
        )
    return pairs


def _ticket_pairs(document: Any, where: Where) -> list[tuple[int, Any]] | None:
    """The tickets of a known wrapper shape, None for a shape that is not tickets."""
    if isinstance(document, list):
        return numbered(document, where, "the top-level array")
    if not isinstance(document, dict):
        return None
    if "tickets" in document:
        return numbered(document["tickets"], where, "tickets")
    if "ticket" in document:
        return [(1, document["ticket"])]
    if "results" in document:
        pairs = numbered(document["results"], where, "results")
        return [(n, item) for n, item in pairs if _is_ticket_result(item)]
    if "id" in document:
        return [(1, document)]
    return None


def _is_ticket_result(item: Any) -> bool:
    return not isinstance(item, dict) or item.get("result_type", "ticket") == "ticket"


def _shape(document: Any) -> str:
    if isinstance(document, dict):
        keys = ", ".join(sorted(map(str, document))[:6])
        return f"an object with keys {keys}" if keys else "an empty object"
    return json_type(document)


def _is_rating(value: dict[str, Any]) -> bool:
    return "score" in value or "ticket_id" in value


# --- de-duplication -----------------------------------------------------------------------


def _keyed_tickets(records: list[JsonRecord]) -> list[_Keyed]:
    keyed = []
    for record in records:
        ticket_id = record_id(record.value.get("id"), record.where, "id")
        where = record.where.with_id(ticket_id)
        keyed.append(
            _Keyed(ticket_id, _updated(record.value, where), JsonRecord(where, record.value))
        )
    return keyed


def _keyed_ratings(records: list[JsonRecord]) -> list[_Keyed]:
    """Ratings keyed by ticket id: stand-alone ones and those embedded in tickets."""
    keyed = []
    for record in records:
        if _is_rating(record.value):
            keyed.append(_keyed_rating(record))
            continue
        ticket_id = record_id(record.value.get("id"), record.where, "id")
        rating = record.value.get("satisfaction_rating")
        if isinstance(rating, dict):
            where = record.where.with_id(ticket_id)
            embedded = JsonRecord(where, {**rating, "ticket_id": ticket_id})
            keyed.append(_Keyed(ticket_id, _updated(record.value, where), embedded))
    return keyed


def _keyed_rating(record: JsonRecord) -> _Keyed:
    value = record.value
    where = record.where
    if value.get("id") is not None:
        where = where.with_id(str(value["id"]))
    ticket_id = record_id(value.get("ticket_id"), where, "ticket_id")
    return _Keyed(ticket_id, _updated(value, where), JsonRecord(where, value))


def _updated(value: dict[str, Any], where: Where) -> datetime | None:
    text = timestamp_text(value.get("updated_at"), where, "updated_at", naive_is_utc=True)
    return None if text is None else datetime.fromisoformat(text)


def _latest(items: list[_Keyed], skipped: Counter[str]) -> list[_Keyed]:
    """One item per key: the one updated last (the later one in the file on a tie)."""
    kept: dict[str, _Keyed] = {}
    for item in items:
        previous = kept.get(item.key)
        if previous is not None:
            skipped[OLDER_COPY] += 1
            if _older(item, previous):
                continue
        kept[item.key] = item
    return sorted(kept.values(), key=lambda item: item.record.where.number or 0)


def _older(item: _Keyed, previous: _Keyed) -> bool:
    if item.updated is None or previous.updated is None:
        return False
    return item.updated < previous.updated


# --- rows ---------------------------------------------------------------------------------


def _ticket_row(record: JsonRecord, field_id: int | None, skipped: Counter[str]) -> Row | None:
    ticket, where = record.value, record.where
    status = optional_text(ticket.get("status"))
    if status is not None and status.lower() == DELETED_STATUS:
        skipped[DELETED] += 1
        return None
    agent_id = optional_text(ticket.get("assignee_id"))
    if agent_id is None:
        skipped[UNASSIGNED] += 1
        return None
    tags = _tags(ticket)
    return {
        LINE_COLUMN: where.number,
        "interaction_id": where.record_id,
        "agent_id": agent_id,
        "started_at": timestamp_text(
            ticket.get("created_at"), where, "created_at", naive_is_utc=True
        ),
        "handle_seconds": _handle_seconds(ticket, field_id, where),
        "channel": channel_of(ticket.get("via")),
        "resolved": None if status is None else bool_text(status.lower() in RESOLVED_STATUSES),
        "escalated": "true" if ESCALATED_TAG in tags else None,
        "topic": optional_text(ticket.get("type")) or _first_topic_tag(tags),
    }


def _tags(ticket: dict[str, Any]) -> list[str]:
    tags = ticket.get("tags")
    if not isinstance(tags, list):
        return []
    return [tag.strip() for tag in tags if isinstance(tag, str) and tag.strip()]


def _first_topic_tag(tags: list[str]) -> str | None:
    return next((tag for tag in tags if tag != ESCALATED_TAG), None)


def _handle_seconds(ticket: dict[str, Any], field_id: int | None, where: Where) -> str | None:
    if field_id is None:
        return None
    fields = ticket.get("custom_fields")
    if not isinstance(fields, list):
        fields = ticket.get("fields") if isinstance(ticket.get("fields"), list) else []
    for field in fields:
        if isinstance(field, dict) and field.get("id") == field_id:
            value = field.get("value")
            if value is None or value == "":
                return None
            label = f"custom field {field_id} (handle time)"
            return decimal_text(json_number(value, where, label))
    return None


def _rating_row(keyed: _Keyed, skipped: Counter[str]) -> Row | None:
    rating, where = keyed.record.value, keyed.record.where
    score = rating.get("score")
    normalized = score.strip().lower() if isinstance(score, str) else ""
    if normalized in NOT_RESPONSES:
        skipped[NOT_A_RESPONSE] += 1
        return None
    if normalized not in LEGACY_SCORES:
        raise where.error(
            "score",
            f"{score!r} is not a Zendesk satisfaction score (good, bad, offered, unoffered)",
        )
    responded = rating.get("updated_at") or rating.get("created_at")
    comment = rating.get("comment")
    return {
        LINE_COLUMN: where.number,
        "interaction_id": keyed.key,
        "kind": "csat",
        "score": LEGACY_SCORES[normalized],
        "responded_at": timestamp_text(responded, where, "updated_at", naive_is_utc=True),
        "comment": optional_text(comment) if isinstance(comment, str) else None,
    }


ADAPTER = make_adapter()
