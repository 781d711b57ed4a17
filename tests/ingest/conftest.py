"""Helpers for the import tests: small canonical data sets written in every file format,
the import call, and snapshots of what the warehouse and the operational DB hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings

from upswing.ingest.service import ImportRejected, ImportResult, import_file
from upswing.warehouse.connection import open_warehouse

Rows = Sequence[Mapping[str, str | None]]
FORMATS = ("csv", "xlsx", "parquet", "jsonl")
REPO_ROOT = Path(__file__).resolve().parents[2]

ROSTER = [
    {
        "agent_id": "A1",
        "name": "Ana Silva",
        "email": "ana@example.com",
        "team_id": "T1",
        "team_name": "Lisbon voice",
        "program_id": "P1",
        "program_name": "Telco care",
        "client_name": "Telco",
        "team_lead_email": "lead1@example.com",
        "start_date": "2026-01-01",
        "end_date": None,
        "time_zone": "Europe/Lisbon",
    },
    {
        "agent_id": "A2",
        "name": "Bruno Costa",
        "email": None,
        "team_id": "T1",
        "team_name": "Lisbon voice",
        "program_id": "P1",
        "program_name": "Telco care",
        "client_name": "Telco",
        "team_lead_email": "lead1@example.com",
        "start_date": "2026-01-01",
        "end_date": None,
        "time_zone": "Europe/Lisbon",
    },
    {
        "agent_id": "A3",
        "name": "Carla Diaz",
        "email": "carla@example.com",
        "team_id": "T2",
        "team_name": "NY chat",
        "program_id": "P2",
        "program_name": "Bank chat",
        "client_name": "Bank",
        "team_lead_email": None,
        "start_date": "2026-01-01",
        "end_date": None,
        "time_zone": "America/New_York",
    },
]

INTERACTIONS = [
    {
        "interaction_id": "I1",
        "agent_id": "A1",
        "started_at": "2026-03-02 09:15:00",
        "handle_seconds": "300",
        "channel": "voice",
        "answered": "true",
        "wait_seconds": "12",
        "hold_seconds": "30",
        "resolved": "yes",
        "reopened": "no",
        "escalated": "no",
        "transferred": "no",
        "topic": "billing",
    },
    {
        "interaction_id": "I2",
        "agent_id": "A2",
        "started_at": "2026-03-02T23:30:00+00:00",
        "handle_seconds": "245.5",
        "channel": "chat",
        "answered": "true",
        "wait_seconds": "4",
        "hold_seconds": None,
        "resolved": "no",
        "reopened": None,
        "escalated": "y",
        "transferred": None,
        "topic": None,
    },
    {
        "interaction_id": "I3",
        "agent_id": "A3",
        "started_at": "2026-03-03 20:30:00",
        "handle_seconds": "0",
        "channel": None,
        "answered": "false",
        "wait_seconds": "95",
        "hold_seconds": None,
        "resolved": None,
        "reopened": None,
        "escalated": None,
        "transferred": None,
        "topic": None,
    },
]

SURVEYS = [
    {
        "interaction_id": "I1",
        "kind": "csat",
        "score": "5",
        "responded_at": "2026-03-02 10:00:00",
        "comment": "quick, thanks",
    },
    {"interaction_id": "I1", "kind": "nps", "score": "9", "responded_at": None, "comment": None},
    {
        "interaction_id": "I2",
        "kind": "ces",
        "score": "3",
        "responded_at": None,
        "comment": 'said "fine", then left',
    },
]

QA = [
    {
        "evaluation_id": "E1",
        "interaction_id": "I1",
        "agent_id": "A1",
        "evaluated_at": "2026-03-04 11:00:00",
        "criterion": crit,
        "points": pts,
        "max_points": "10",
        "evaluator": "qa@example.com",
        "category": cat,
        "critical": crit_flag,
    }
    for crit, pts, cat, crit_flag in (
        ("greeting", "10", "opening", "false"),
        ("verification", "8", "compliance", "true"),
        ("closing", "6.5", "closing", None),
    )
]

COACHING = [
    {
        "agent_id": "A1",
        "coached_at": "2026-03-05 14:00:00",
        "kind": "one_to_one",
        "coach_email": "lead1@example.com",
        "topic": "hold use",
        "metric": "AHT",
        "notes": "listened to two calls",
    },
    {
        "agent_id": "A3",
        "coached_at": "2026-03-06T15:00:00-05:00",
        "kind": "workshop",
        "coach_email": None,
        "topic": None,
        "metric": None,
        "notes": None,
    },
]

EVENTS = [
    {
        "program_id": "P1",
        "starts_at": "2026-03-02 08:00:00",
        "ends_at": "2026-03-02 10:30:00",
        "kind": "outage",
        "team_id": "T1",
        "description": "CRM down",
    },
    {
        "program_id": "P2",
        "starts_at": "2026-03-03 00:00:00",
        "ends_at": "2026-03-04 00:00:00",
        "kind": "understaffing",
        "team_id": None,
        "description": None,
    },
]

TARGETS = [
    {
        "program_id": "P1",
        "metric": "aht",
        "sla_floor": "420",
        "kpi_target": "360",
        "team_id": None,
        "source": "MSA §4.2",
        "effective_from": "2026-01-01",
    },
    {
        "program_id": "P1",
        "metric": "CSAT",
        "sla_floor": "80",
        "kpi_target": "90",
        "team_id": "T1",
        "source": None,
        "effective_from": None,
    },
]

DATA: dict[str, list[dict]] = {
    "roster": ROSTER,
    "interactions": INTERACTIONS,
    "surveys": SURVEYS,
    "qa": QA,
    "coaching": COACHING,
    "events": EVENTS,
    "targets": TARGETS,
}
# What each kind needs imported before it.
PREREQUISITES = {
    "roster": (),
    "interactions": ("roster",),
    "surveys": ("roster", "interactions"),
    "qa": ("roster",),
    "coaching": ("roster",),
    "events": ("roster",),
    "targets": ("roster",),
}


# --- writing files ------------------------------------------------------------------------


def write_rows(path: Path, rows: Rows, columns: Sequence[str] | None = None) -> Path:
    """`rows` (text values, None = empty) in the format named by the file's suffix."""
    names = list(columns or rows[0].keys())
    writer = {".csv": _csv, ".xlsx": _xlsx, ".parquet": _parquet, ".jsonl": _jsonl}
    writer[path.suffix](path, rows, names)
    return path


def _csv(path: Path, rows: Rows, names: list[str]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(names)
        for row in rows:
            out.writerow(["" if row.get(n) is None else row[n] for n in names])


def _xlsx(path: Path, rows: Rows, names: list[str]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(n) for n in names])
    book.save(path)


def _arrow(rows: Rows, names: list[str]) -> pa.Table:
    return pa.table({n: pa.array([r.get(n) for r in rows], pa.string()) for n in names})


def _parquet(path: Path, rows: Rows, names: list[str]) -> None:
    pq.write_table(_arrow(rows, names), path)


def _jsonl(path: Path, rows: Rows, names: list[str]) -> None:
    lines = (json.dumps({n: r.get(n) for n in names}) for r in _arrow(rows, names).to_pylist())
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


# --- importing ----------------------------------------------------------------------------


def run_import(
    kind: str,
    folder: Path,
    rows: Rows | None = None,
    *,
    fmt: str = "csv",
    name: str = "",
    **kwargs,
) -> ImportResult:
    path = write_rows(folder / f"{name or kind}.{fmt}", rows if rows is not None else DATA[kind])
    return import_file(kind, path, **kwargs)


def import_with_prerequisites(kind: str, folder: Path, fmt: str = "csv") -> ImportResult:
    for before in PREREQUISITES[kind]:
        run_import(before, folder)
    return run_import(kind, folder, fmt=fmt)


def rejection(kind: str, path: Path, **kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_file(kind, path, **kwargs)
    return caught.value


def errors_of(exc: ImportRejected) -> list[tuple[int, str, str | None, str]]:
    return [(e.line, e.column, e.value, e.reason) for e in exc.problems.errors]


# --- what is stored -----------------------------------------------------------------------

WAREHOUSE_TABLES = ("interactions", "surveys", "qa_scores", "context_events")


def warehouse_rows(table: str) -> list[tuple]:
    """Rows of a warehouse table without its batch id, sorted."""
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        t = wh.ibis.table(table)
        t = t.drop("batch_id") if "batch_id" in t.columns else t
        return sorted((tuple(r.values()) for r in t.to_pyarrow().to_pylist()), key=repr)


def warehouse_counts() -> dict[str, int]:
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        tables = (*WAREHOUSE_TABLES, "import_log", "dirty_days")
        return {name: int(wh.ibis.table(name).count().execute()) for name in tables}


def orm_contents() -> dict[str, list[tuple]]:
    from upswing.coaching.models import CoachingSession
    from upswing.org.models import Agent, Client, Membership, Program, Team
    from upswing.performance.models import Target

    def rows(qs, *fields):
        return sorted(qs.values_list(*fields), key=repr)

    return {
        "clients": rows(Client.objects, "code", "name"),
        "programs": rows(Program.objects, "code", "name", "client__code", "time_zone"),
        "teams": rows(Team.objects, "code", "name", "program__code", "lead_email"),
        "agents": rows(Agent.objects, "code", "name", "email", "start_date"),
        "memberships": rows(
            Membership.objects, "agent__code", "team__code", "start_date", "end_date"
        ),
        "targets": rows(
            Target.objects,
            "program__code",
            "team__code",
            "metric",
            "sla_floor",
            "kpi_target",
            "source",
            "effective_from",
        ),
        "coaching": rows(
            CoachingSession.objects,
            "agent__code",
            "coached_at",
            "kind",
            "coach_email",
            "topic",
            "metric",
            "notes",
            "source",
        ),
    }


def everything_stored() -> dict[str, list[tuple]]:
    return {**orm_contents(), **{t: warehouse_rows(t) for t in WAREHOUSE_TABLES}}


# --- the real command ---------------------------------------------------------------------


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for `upswing` in a subprocess, all state under `home`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "UPSWING_WAREHOUSE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(UPSWING_HOME=str(home), SECRET_KEY="test-only-" + "k" * 50, **extra)
    return env


def run_cli(
    env: Mapping[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upswing.cli", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
