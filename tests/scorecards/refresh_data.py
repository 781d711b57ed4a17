"""Small canonical files for the refresh tests: a roster over two programs in zones on either
side of UTC, and interactions, surveys and QA built row by row."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from upswing.ingest.service import import_file

ZONES = {"P1": "America/Los_Angeles", "P2": "Asia/Tokyo"}
TEAM_PROGRAM = {"T1": "P1", "T2": "P1", "T3": "P2"}
HOME = {"A1": "T1", "A2": "T1", "A3": "T2", "A4": "T3", "A5": "T3"}
SINCE = dt.date(2026, 1, 1)

_files = itertools.count()


def write_csv(folder: Path, kind: str, rows: list[dict]) -> Path:
    path = folder / f"{kind}-{next(_files)}.csv"
    names = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(folder: Path, kind: str, rows: list[dict], source: str = "test"):
    return import_file(kind, write_csv(folder, kind, rows), source=source)


def roster_row(agent: str, team: str, start: dt.date = SINCE, end: dt.date | None = None):
    program = TEAM_PROGRAM[team]
    return {
        "agent_id": agent,
        "name": f"Agent {agent}",
        "team_id": team,
        "team_name": f"Team {team}",
        "program_id": program,
        "program_name": f"Program {program}",
        "client_name": "Client",
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else "",
        "time_zone": ZONES[program],
    }


def roster() -> list[dict]:
    return [roster_row(agent, team) for agent, team in HOME.items()]


def local_time(program: str, day: dt.date, minute_of_day: int) -> str:
    """An ISO timestamp at `minute_of_day` of the program's local `day`, written in UTC (so
    the UTC date often differs from the local one)."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(ZONES[program]))
    at = (local + dt.timedelta(minutes=minute_of_day)).astimezone(dt.UTC)
    return at.isoformat()


def interaction(
    ident: str,
    agent: str,
    program: str,
    day: dt.date,
    *,
    minute: int = 600,
    handle: float | None = 300.0,
    wait: float | None = 15.0,
    answered: bool = True,
    resolved: bool | None = True,
) -> dict:
    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {
        "interaction_id": ident,
        "agent_id": agent,
        "program_id": program,
        "started_at": local_time(program, day, minute),
        "handle_seconds": text(handle),
        "channel": "voice",
        "answered": text(answered),
        "wait_seconds": text(wait),
        "resolved": text(resolved),
        "reopened": "false",
        "escalated": "false",
    }


def survey(interaction_id: str, score: int, day: dt.date) -> dict:
    return {
        "interaction_id": interaction_id,
        "kind": "csat",
        "score": str(score),
        "responded_at": f"{day.isoformat()}T23:00:00+00:00",
    }


def evaluation(ident: str, row: dict, points: float) -> list[dict]:
    return [
        {
            "evaluation_id": ident,
            "interaction_id": row["interaction_id"],
            "agent_id": row["agent_id"],
            "program_id": row["program_id"],
            "evaluated_at": row["started_at"],
            "criterion": criterion,
            "points": str(points if criterion == "notes" else 10),
            "max_points": "10",
            "category": "documentation",
            "critical": "false",
        }
        for criterion in ("notes", "hello")
    ]


SNAPSHOT_FIELDS = (
    "level",
    "entity_code",
    "team_code",
    "program_code",
    "period_kind",
    "period_start",
    "metric",
    "part",
    "partial",
    "value",
    "numerator",
    "n",
    "ci_low",
    "ci_high",
    "baseline",
    "sla_floor",
    "kpi_target",
    "status",
)


def _rounded(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def snapshots() -> list[tuple]:
    """Every stored snapshot without its id and time of refresh, sorted, floats rounded (the
    same sums added in another order may differ in their last bits)."""
    from upswing.performance.models import ScorecardSnapshot

    rows = ScorecardSnapshot.objects.values_list(*SNAPSHOT_FIELDS)
    return sorted((tuple(_rounded(v) for v in r) for r in rows), key=repr)
