"""Genesys Cloud conversation details -> canonical `interactions`.

Accepted files (UTF-8 JSON): one conversation object (as in the Genesys blueprint
samples), the analytics query response `{"conversations": [...], "totalHits": N}`
(POST /api/v2/analytics/conversations/details/query; without `conversations` when
nothing matched), a JSON array of conversations, or JSON Lines of conversations.

One row per conversation. Metrics live in participants[].sessions[].metrics[] as
{name, value} in milliseconds; a metric emitted several times in a session is summed.

- interaction_id = conversationId (mandatory); started_at = conversationStart.
- agent_id = userId of the participant with purpose "agent". With several agents
  (a transfer), the row is attributed to the LAST agent participant (in the order the
  participants are listed, which is the order they joined) who interacted (an interact
  segment or tAnswered); if no agent interacted, to the last agent participant alerted.
  The agent metrics below are that user's, summed over all their agent participants.
  A conversation without any agent participant (abandoned in queue, flow only) cannot
  be scored for an agent: it is left out and counted ("no agent participant").
- transferred = "true" when more than one user interacted as agent, or an agent segment
  ended with disconnectType "transfer"; "false" otherwise.
- handle_seconds = tHandle / 1000 per session; a session without tHandle counts
  tTalk + tHeld + tAcw, those present (sample conversation 2 has only tTalk).
- hold_seconds = tHeld / 1000 ("0" when the agent answered and never held: Genesys emits
  no tHeld then); wait_seconds = the sum of tAcd over the conversation / 1000 (the
  customer's total time in queue; null when never queued).
- answered = "true" when the agent has tAnswered or nConnected, else "false" when any
  participant has tAbandon, else null (the validator's default applies).
- channel from the agent session's mediaType: voice/callback -> voice, chat/message ->
  chat, email -> email, anything else (video, cobrowse, screenshare) -> other.
- topic = the agent's last wrapUpCode (an id), else the queueId of the agent's segments;
  both are Genesys ids, map them to names with a column mapping if needed.
- resolved, reopened, escalated, program_id: not in conversation details; omitted.

Segment timestamps are not read (the blueprint's second sample has malformed ones,
"2021-04-2T15:30:51.418Z"); ordering relies on the participants' order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
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

NAME = "genesys"
KINDS = frozenset({"interactions"})

MEDIA_CHANNELS = {
    "voice": "voice",
    "callback": "voice",
    "chat": "chat",
    "message": "chat",
    "email": "email",
}
HANDLE_PARTS = ("tTalk", "tHeld", "tAcw")
NO_AGENT = "no agent participant"
MILLISECONDS = Decimal(1000)

COLUMNS = (
    "interaction_id",
    "agent_id",
    "started_at",
    "handle_seconds",
    "channel",
    "answered",
    "wait_seconds",
    "hold_seconds",
    "transferred",
    "topic",
)


@dataclass(frozen=True, slots=True)
class Session:
    media_type: str | None
    metrics: dict[str, Decimal]  # name -> summed value (ms or count)
    segments: tuple[dict[str, Any], ...]

    @property
    def interacted(self) -> bool:
        return "tAnswered" in self.metrics or any(
            s.get("segmentType") == "interact" for s in self.segments
        )

    @property
    def handle_ms(self) -> Decimal | None:
        if "tHandle" in self.metrics:
            return self.metrics["tHandle"]
        parts = [self.metrics[name] for name in HANDLE_PARTS if name in self.metrics]
        return sum(parts, Decimal(0)) if parts else None


@dataclass(frozen=True, slots=True)
class Participant:
    purpose: str | None
    user_id: str | None
    sessions: tuple[Session, ...]

    @property
    def is_agent(self) -> bool:
        return self.purpose == "agent" and self.user_id is not None

    @property
    def interacted(self) -> bool:
        return any(session.interacted for session in self.sessions)


# --- public API ---------------------------------------------------------------------------


def read(path: Path, kind: str) -> pa.Table:
    if kind != "interactions":
        raise unsupported_kind(NAME, kind, KINDS)
    return read_conversations(path)


ADAPTER = Adapter(NAME, KINDS, read)


def read_conversations(path: Path) -> pa.Table:
    """Canonical interactions from a Genesys conversation details file."""
    skipped: Counter[str] = Counter()
    rows = []
    for record in read_json_records(path, _unwrap):
        row = conversation_row(record)
        if row is None:
            skipped[NO_AGENT] += 1
        else:
            rows.append(row)
    return build_table("interactions", COLUMNS, rows, skipped)


def conversation_row(record: JsonRecord) -> Row | None:
    """The canonical row of one conversation, None when no agent took part."""
    conversation = record.value
    conversation_id = record_id(conversation.get("conversationId"), record.where, "conversationId")
    where = record.where.with_id(conversation_id)
    participants = _participants(conversation.get("participants"), where)
    agents = [p for p in participants if p.is_agent]
    chosen = _attributed_agent(agents)
    if chosen is None:
        return None
    sessions = [s for p in agents if p.user_id == chosen.user_id for s in p.sessions]
    answered = _answered(sessions, participants)
    return {
        LINE_COLUMN: where.number,
        "interaction_id": conversation_id,
        "agent_id": chosen.user_id,
        "started_at": timestamp_text(
            conversation.get("conversationStart"), where, "conversationStart", naive_is_utc=True
        ),
        "handle_seconds": _seconds(_total(s.handle_ms for s in sessions)),
        "channel": _channel(chosen),
        "answered": bool_text(answered),
        "wait_seconds": _seconds(_metric_total(participants, "tAcd")),
        "hold_seconds": _hold_seconds(sessions, answered),
        "transferred": bool_text(_transferred(agents)),
        "topic": _topic(sessions),
    }


# --- shapes -------------------------------------------------------------------------------


def _unwrap(document: Any, where: Where) -> list[tuple[int, Any]]:
    if isinstance(document, list):
        return numbered(document, where, "the top-level array")
    if isinstance(document, dict):
        if "conversations" in document:
            return numbered(document["conversations"], where, "conversations")
        if "conversationId" in document:
            return [(1, document)]
        if "totalHits" in document:
            return []  # a query response that matched nothing
    raise where.fail(
        "expected Genesys conversation details: a conversation object, "
        "{'conversations': [...], 'totalHits': N}, an array or JSON Lines of conversations; "
        f"got {json_type(document)}"
    )


def _items(value: Any, where: Where, path: str) -> list[Any]:
    """A JSON array found at `path` inside a record ([] when absent)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise where.error(path, f"should be an array, got {json_type(value)}")
    return value


def _object(value: Any, where: Where, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise where.error(path, f"should be an object, got {json_type(value)}")
    return value


def _participants(value: Any, where: Where) -> list[Participant]:
    participants = []
    for index, item in enumerate(_items(value, where, "participants")):
        path = f"participants[{index}]"
        participant = _object(item, where, path)
        sessions = tuple(
            _session(session, where, f"{path}.sessions[{n}]")
            for n, session in enumerate(
                _items(participant.get("sessions"), where, f"{path}.sessions")
            )
        )
        purpose = optional_text(participant.get("purpose"))
        participants.append(
            Participant(purpose, optional_text(participant.get("userId")), sessions)
        )
    return participants


def _session(value: Any, where: Where, path: str) -> Session:
    session = _object(value, where, path)
    segments = tuple(
        _object(segment, where, f"{path}.segments[{n}]")
        for n, segment in enumerate(_items(session.get("segments"), where, f"{path}.segments"))
    )
    metrics: dict[str, Decimal] = {}
    for n, item in enumerate(_items(session.get("metrics"), where, f"{path}.metrics")):
        metric = _object(item, where, f"{path}.metrics[{n}]")
        name = metric.get("name")
        if not isinstance(name, str):
            raise where.error(f"{path}.metrics[{n}].name", f"{name!r} is not a metric name")
        value_ = json_number(metric.get("value"), where, f"{path}.metrics[{n}] ({name})")
        metrics[name] = metrics.get(name, Decimal(0)) + value_
    return Session(optional_text(session.get("mediaType")), metrics, segments)


# --- derived values -----------------------------------------------------------------------


def _attributed_agent(agents: list[Participant]) -> Participant | None:
    """The last agent who interacted, else the last agent alerted, else None."""
    interacted = [agent for agent in agents if agent.interacted]
    candidates = interacted or agents
    return candidates[-1] if candidates else None


def _transferred(agents: list[Participant]) -> bool:
    users = {agent.user_id for agent in agents if agent.interacted}
    transferred_out = any(
        segment.get("disconnectType") == "transfer"
        for agent in agents
        for session in agent.sessions
        for segment in session.segments
    )
    return len(users) > 1 or transferred_out


def _answered(sessions: list[Session], participants: list[Participant]) -> bool | None:
    if any("tAnswered" in s.metrics or "nConnected" in s.metrics for s in sessions):
        return True
    if _metric_total(participants, "tAbandon") is not None:
        return False
    return None


def _metric_total(participants: list[Participant], name: str) -> Decimal | None:
    return _total(s.metrics.get(name) for p in participants for s in p.sessions)


def _total(values: Any) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _seconds(milliseconds: Decimal | None) -> str | None:
    return None if milliseconds is None else decimal_text(milliseconds / MILLISECONDS)


def _hold_seconds(sessions: list[Session], answered: bool | None) -> str | None:
    held = _total(s.metrics.get("tHeld") for s in sessions)
    if held is None and answered:
        return "0"
    return _seconds(held)


def _channel(agent: Participant) -> str | None:
    media = next((s.media_type for s in agent.sessions if s.media_type), None)
    if media is None:
        return None
    return MEDIA_CHANNELS.get(media.lower(), "other")


def _topic(sessions: list[Session]) -> str | None:
    segments = [segment for session in sessions for segment in session.segments]
    wrapups = [optional_text(s.get("wrapUpCode")) for s in segments]
    queues = [optional_text(s.get("queueId")) for s in segments]
    return next((w for w in reversed(wrapups) if w), None) or next(
        (q for q in reversed(queues) if q), None
    )
