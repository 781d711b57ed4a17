"""The canonical import kinds (DESIGN.md "Canonical import files") as data.

Every reader, mapping and adapter produces these columns; the validator checks them;
the writers store them. One place to change a column.

Kinds whose rows are a feature's records (targets, coaching) are stored by the feature that
owns them: each registers its writer here from its `AppConfig.ready()` (`register_writer`),
so ingest imports no feature. The roster is the organisation's, which ingest reads anyway.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class ColumnType(enum.StrEnum):
    TEXT = "text"
    TIMESTAMP = "timestamp"  # ISO 8601; without an offset it is read in the program's time zone
    DATE = "date"  # ISO 8601 date (YYYY-MM-DD)
    SECONDS = "seconds"  # a non-negative number of seconds
    NUMBER = "number"  # any finite number
    BOOL = "bool"  # true/false, yes/no, y/n, 1/0
    CHOICE = "choice"  # one of `choices` (lower-cased)
    TIME_ZONE = "time_zone"  # an IANA zone name, e.g. Europe/Lisbon


class Destination(enum.StrEnum):
    WAREHOUSE = "warehouse"
    ORG = "org"
    COACHING = "coaching"
    TARGETS = "targets"
    GOVERNANCE = "governance"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique within a file and, with the source, in the store
    destination: Destination
    agent_column: str | None = None  # checked against the roster ("unknown agent")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


T, TS, D, S, N, B, C = (
    ColumnType.TEXT,
    ColumnType.TIMESTAMP,
    ColumnType.DATE,
    ColumnType.SECONDS,
    ColumnType.NUMBER,
    ColumnType.BOOL,
    ColumnType.CHOICE,
)

CHANNELS = ("voice", "chat", "email", "social", "other")
SURVEY_KINDS = ("csat", "nps", "ces")
# score ranges per survey kind, inclusive
SURVEY_RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
COACHING_KINDS = ("one_to_one", "side_by_side", "training", "workshop")
CONTRACT_WINDOWS = ("week", "month", "quarter")
CONTRACT_LEVELS = ("program",)
EVENT_KINDS = ("outage", "understaffing", "volume_spike", "policy_change", "tool_change")

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "roster",
            (
                Column("agent_id", required=True),
                Column("name", required=True),
                Column("email"),
                Column("team_id", required=True),
                Column("team_name"),
                Column("program_id", required=True),
                Column("program_name"),
                Column("client_name"),
                Column("team_lead_email"),
                Column("start_date", D),
                Column("end_date", D),
                Column("time_zone", ColumnType.TIME_ZONE),
            ),
            key=("agent_id", "team_id", "start_date"),
            destination=Destination.ORG,
        ),
        Kind(
            "interactions",
            (
                Column("interaction_id", required=True),
                Column("agent_id", required=True),
                Column("started_at", TS, required=True),
                Column("handle_seconds", S),  # optional: a call log may have no handle time
                Column("program_id"),
                Column("channel", C, choices=CHANNELS, default="other"),
                Column("answered", B, default="true"),
                Column("wait_seconds", S),
                Column("hold_seconds", S),
                Column("resolved", B),
                Column("reopened", B),
                Column("escalated", B),
                Column("transferred", B),
                Column("topic"),
            ),
            key=("interaction_id",),
            destination=Destination.WAREHOUSE,
            agent_column="agent_id",
        ),
        Kind(
            "surveys",
            (
                Column("interaction_id", required=True),
                Column("kind", C, required=True, choices=SURVEY_KINDS),
                Column("score", N, required=True),
                Column("responded_at", TS),
                Column("comment"),
            ),
            key=("interaction_id", "kind"),
            destination=Destination.WAREHOUSE,
        ),
        Kind(
            "qa",
            (
                Column("evaluation_id", required=True),
                Column("interaction_id", required=True),
                Column("agent_id", required=True),
                Column("evaluated_at", TS, required=True),
                Column("criterion", required=True),
                Column("points", N, required=True),
                Column("max_points", N, required=True),
                Column("evaluator"),
                Column("category"),
                Column("critical", B, default="false"),
            ),
            key=("evaluation_id", "criterion"),
            destination=Destination.WAREHOUSE,
            agent_column="agent_id",
        ),
        Kind(
            "coaching",
            (
                Column("agent_id", required=True),
                Column("coached_at", TS, required=True),
                Column("kind", C, required=True, choices=COACHING_KINDS),
                Column("coach_email"),
                Column("topic"),
                Column("metric"),
                Column("notes"),
            ),
            key=("agent_id", "coached_at", "kind"),
            destination=Destination.COACHING,
            agent_column="agent_id",
        ),
        Kind(
            "events",
            (
                Column("program_id", required=True),
                Column("starts_at", TS, required=True),
                Column("ends_at", TS, required=True),
                Column("kind", C, required=True, choices=EVENT_KINDS),
                Column("team_id"),
                Column("description"),
            ),
            key=("program_id", "team_id", "starts_at", "kind"),
            destination=Destination.WAREHOUSE,
        ),
        Kind(
            "targets",
            (
                Column("program_id", required=True),
                Column("metric", required=True),
                Column("sla_floor", N),
                Column("kpi_target", N),
                Column("team_id"),
                Column("source"),
                Column("effective_from", D),
            ),
            key=("program_id", "team_id", "metric", "effective_from"),
            destination=Destination.TARGETS,
        ),
        Kind(
            "contracts",
            (
                Column("program_id", required=True),
                Column("version", required=True),
                Column("effective_from", D, required=True),
                Column("metric", required=True),
                Column("floor", N, required=True),
                Column("target", N),
                Column("window", C, choices=CONTRACT_WINDOWS, default="month"),
                Column("level", C, choices=CONTRACT_LEVELS, default="program"),
                Column("source"),
                Column("vendor_id"),
                Column("vendor_name"),
                Column("service_line"),
                Column("corrective_after", N),
                Column("review_after", N),
                Column("rolling_months", N),
                Column("monthly_fee", N),
                Column("currency"),
                Column("credit_percent_per_point", N),
                Column("credit_points_per_step", N),
                Column("credit_cap_percent", N),
            ),
            key=("program_id", "version", "metric", "window"),
            destination=Destination.GOVERNANCE,
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown kind {name!r}; kinds: {', '.join(KINDS)}") from None


# A feature's writer: (validated rows as dicts, the import's source) -> UpsertCounts.
RecordWriter = Callable[[list[dict], str], Any]

_RECORD_WRITERS: dict[str, RecordWriter] = {}


def register_writer(kind_name: str, writer: RecordWriter) -> None:
    """Say which feature function stores the validated rows of a records kind (called from
    the feature's `AppConfig.ready()`). Facts kinds go to the warehouse and take none."""
    kind = get_kind(kind_name)
    if kind.destination is Destination.WAREHOUSE:
        raise ValueError(f"the {kind_name!r} import writes warehouse facts; it takes no writer")
    _RECORD_WRITERS[kind_name] = writer


def writer_for(kind: Kind) -> RecordWriter:
    try:
        return _RECORD_WRITERS[kind.name]
    except KeyError:
        raise LookupError(f"no installed feature stores the {kind.name!r} import") from None


def describe_kinds() -> str:
    """Every kind and its columns (required ones marked *), for `upswing import --help`."""
    lines = ["\b", "Kinds and their columns (* required; docs/import.md has units and scales):"]
    for kind in KINDS.values():
        columns = ", ".join(
            f"{c.name}{'*' if c.required else ''}"
            + (f" ({'/'.join(c.choices)})" if c.choices else "")
            for c in kind.columns
        )
        lines.append(f"  {kind.name}: {columns}")
    return "\n".join(lines)
