"""Freshdesk "Export tickets" CSV -> canonical `interactions` and `surveys`.

The CSV is read with the csv module (UTF-8, a byte-order mark tolerated, quoted fields may
hold commas and newlines). Columns are found by name, ignoring case and surrounding
spaces, so extra columns (custom fields cf_*, contact and company fields) and any column
order are fine. `_line` is the line where the record starts, the header being line 1.

interactions, one row per ticket (needs the columns Ticket ID, Agent, Created time):
- interaction_id = Ticket ID (mandatory on every row).
- agent_id = Agent, the agent's name (or email) exactly as exported: the roster's
  agent_id must use the same text for these rows to match an agent. A ticket with an
  empty Agent is unassigned: left out and counted ("unassigned ticket").
- started_at = Created time. Freshdesk writes "YYYY-MM-DD HH:MM:SS" in the exporting
  account's time zone, without an offset: it is emitted WITHOUT an offset
  ("YYYY-MM-DDTHH:MM:SS") so the pipeline reads it in the program's time zone - the one
  adapter output without an offset. A value with an offset keeps it.
- handle_seconds from Time tracked, per value: "H:MM" / "HH:MM:SS" (clock) or decimal
  hours ("1.5" = 5400 s), see `parse_time_tracked`; null when empty or when the column
  is absent (Freshdesk time tracking off), which the validator reports.
- channel from Source: Phone -> voice; Chat, WhatsApp -> chat; Email, Portal, Outbound
  Email -> email; Twitter, Facebook -> social; anything else (Feedback Widget, Mobihelp,
  Forum, ...) -> other.
- resolved = Status is Resolved or Closed; topic = Type.
- channel, resolved, topic are emitted only when their source column is in the file.

surveys, one row per ticket with a value in "Survey results" (kind "csat"): the labels of
Freshdesk's satisfaction surveys are mapped to the 1-5 scale -
Extremely happy 5, Very happy 4, Happy 4, Neutral 3, Unhappy 2, Very unhappy 2,
Extremely unhappy 1 (the 7-point survey folds its "very" answers onto 4 and 2: the csat
metric, share of scores >= 4, is unchanged) and the classic 3-point survey Awesome 5,
Just okay 3, Not good 1 (like Zendesk's good/bad); a number is kept as it is (the
validator checks 1-5). Any other label is an AdapterError. The export has no response
time or comment, so responded_at and comment are omitted.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from upswing.ingest.adapters.base import (
    LINE_COLUMN,
    Adapter,
    AdapterError,
    Row,
    Where,
    bool_text,
    build_table,
    decimal_text,
    read_text,
    timestamp_text,
    unsupported_kind,
)

NAME = "freshdesk"
KINDS = frozenset({"interactions", "surveys"})

TICKET_ID = "Ticket ID"
AGENT = "Agent"
CREATED = "Created time"
TIME_TRACKED = "Time tracked"
SOURCE = "Source"
STATUS = "Status"
TYPE = "Type"
SURVEY = "Survey results"

SOURCE_CHANNELS = {
    "phone": "voice",
    "chat": "chat",
    "whatsapp": "chat",
    "email": "email",
    "portal": "email",
    "outbound email": "email",
    "twitter": "social",
    "facebook": "social",
}
RESOLVED_STATUSES = frozenset({"resolved", "closed"})
SURVEY_SCORES = {
    "extremely happy": "5",
    "very happy": "4",
    "happy": "4",
    "neutral": "3",
    "unhappy": "2",
    "very unhappy": "2",
    "extremely unhappy": "1",
    "awesome": "5",
    "just okay": "3",
    "not good": "1",
}
UNASSIGNED = "unassigned ticket"

_CLOCK = re.compile(r"([0-9]+):([0-5][0-9])(?::([0-5][0-9]))?")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_SPACES = re.compile(r"\s+")
SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True, slots=True)
class CsvRecord:
    where: Where  # line where the record starts, with the ticket id
    values: dict[str, str]  # casefolded header name -> text as exported

    def get(self, column: str) -> str | None:
        value = self.values.get(column.casefold())
        return value.strip() if value is not None else None


@dataclass(frozen=True, slots=True)
class CsvFile:
    columns: frozenset[str]  # casefolded header names
    records: tuple[CsvRecord, ...]

    def has(self, column: str) -> bool:
        return column.casefold() in self.columns


# --- public API ---------------------------------------------------------------------------


def read(path: Path, kind: str) -> pa.Table:
    if kind == "interactions":
        return read_tickets(path)
    if kind == "surveys":
        return read_surveys(path)
    raise unsupported_kind(NAME, kind, KINDS)


def read_tickets(path: Path) -> pa.Table:
    """Canonical interactions from a Freshdesk ticket export (see the module docstring)."""
    export = read_export(path, required=(TICKET_ID, AGENT, CREATED))
    skipped: Counter[str] = Counter()
    rows = []
    for record in export.records:
        if not record.get(AGENT):
            skipped[UNASSIGNED] += 1
            continue
        rows.append(_interaction_row(record))
    optional = [
        column
        for column, source in (("channel", SOURCE), ("resolved", STATUS), ("topic", TYPE))
        if export.has(source)
    ]
    columns = ("interaction_id", "agent_id", "started_at", "handle_seconds", *optional)
    return build_table("interactions", columns, rows, skipped)


def read_surveys(path: Path) -> pa.Table:
    """Canonical csat surveys from the Survey results column of a ticket export."""
    export = read_export(path, required=(TICKET_ID, SURVEY))
    rows = []
    for record in export.records:
        score = _survey_score(record)
        if score is not None:
            rows.append(
                {
                    LINE_COLUMN: record.where.number,
                    "interaction_id": record.where.record_id,
                    "kind": "csat",
                    "score": score,
                }
            )
    return build_table("surveys", ("interaction_id", "kind", "score"), rows, {})


def parse_time_tracked(text: str) -> Decimal | None:
    """Seconds from a Time tracked value: "H:MM", "HH:MM:SS" or decimal hours ("1.5").

    None for an empty value; AdapterError (message starting with the value) otherwise.
    """
    value = text.strip()
    if not value:
        return None
    clock = _CLOCK.fullmatch(value)
    if clock is not None:
        hours, minutes, seconds = clock.groups()
        return Decimal(hours) * SECONDS_PER_HOUR + Decimal(minutes) * 60 + Decimal(seconds or 0)
    if _DECIMAL.fullmatch(value):
        return Decimal(value) * SECONDS_PER_HOUR
    raise AdapterError(
        f"{value!r} is neither a duration (H:MM or HH:MM:SS) nor decimal hours (e.g. 1.5)"
    )


def source_channel(source: str) -> str:
    return SOURCE_CHANNELS.get(_label(source), "other")


# --- reading the CSV ----------------------------------------------------------------------


def read_export(path: Path, *, required: tuple[str, ...]) -> CsvFile:
    """The export's records, each located by its first line and its Ticket ID."""
    where = Where(Path(path).name, unit="line", id_label=TICKET_ID)
    rows = _csv_rows(read_text(path), where)
    if not rows:
        raise where.fail("the file is empty")
    header_line, header = rows[0]
    names = [name.strip().casefold() for name in header]
    missing = [column for column in required if column.casefold() not in names]
    if missing:
        raise where.at(header_line).fail(
            f"not a Freshdesk ticket export: missing column(s) {', '.join(missing)}"
        )
    records = tuple(_record(line, values, names, where) for line, values in rows[1:])
    return CsvFile(frozenset(names), records)


def _csv_rows(text: str, where: Where) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows with the line each one starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    start = 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise where.at(start).fail(f"not valid CSV: {exc}") from None
    return rows


def _record(line: int, values: list[str], names: list[str], where: Where) -> CsvRecord:
    located = where.at(line)
    if len(values) != len(names):
        raise located.fail(
            f"{len(values)} fields where the header has {len(names)} "
            "(an unbalanced quote or a truncated file?)"
        )
    by_name = dict(zip(names, values, strict=True))
    ticket_id = by_name[TICKET_ID.casefold()].strip()
    if not ticket_id:
        raise located.error(TICKET_ID, "is missing")
    return CsvRecord(located.with_id(ticket_id), by_name)


# --- rows ---------------------------------------------------------------------------------


def _interaction_row(record: CsvRecord) -> Row:
    where = record.where
    status, source = record.get(STATUS), record.get(SOURCE)
    return {
        LINE_COLUMN: where.number,
        "interaction_id": where.record_id,
        "agent_id": record.get(AGENT),
        "started_at": timestamp_text(record.get(CREATED), where, CREATED, naive_is_utc=False),
        "handle_seconds": _handle_seconds(record),
        "channel": source_channel(source) if source else None,
        "resolved": bool_text(_label(status) in RESOLVED_STATUSES) if status else None,
        "topic": record.get(TYPE) or None,
    }


def _handle_seconds(record: CsvRecord) -> str | None:
    text = record.get(TIME_TRACKED)
    if text is None:
        return None
    try:
        seconds = parse_time_tracked(text)
    except AdapterError as exc:
        raise record.where.error(TIME_TRACKED, str(exc)) from None
    return None if seconds is None else decimal_text(seconds)


def _survey_score(record: CsvRecord) -> str | None:
    text = record.get(SURVEY)
    if not text:
        return None
    label = _label(text)
    if label in SURVEY_SCORES:
        return SURVEY_SCORES[label]
    if _DECIMAL.fullmatch(label):
        return label
    known = ", ".join(label.capitalize() for label in SURVEY_SCORES)
    raise record.where.error(SURVEY, f"{text!r} is not a known survey rating ({known}, or 1-5)")


def _label(text: str) -> str:
    return _SPACES.sub(" ", text.strip()).casefold()


ADAPTER = Adapter(NAME, KINDS, read)
