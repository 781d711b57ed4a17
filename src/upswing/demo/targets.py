"""Targets per program: SLA floors from the contract, KPI targets from the ops plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from upswing.demo.catalog import PROGRAMS
from upswing.demo.clock import Window


@dataclass(frozen=True, slots=True)
class TargetRow:
    program_id: str
    metric: str
    sla_floor: float | None
    kpi_target: float | None
    source: str
    effective_from: dt.date
    team_id: str | None = None


# metric -> (sla_floor, kpi_target, source); per program where they differ
COMMON = {
    "fcr": (70.0, 78.0, "MSA §5.1"),
    "csat": (75.0, 85.0, "MSA §5.2"),
    "nps": (20.0, 35.0, "Client scorecard 2026"),
    "ces": (5.0, 5.5, "Client scorecard 2026"),
    "qa": (85.0, 90.0, "QA criteria v3"),
    "escalation": (8.0, 5.0, "Ops KPI plan FY26"),
    "reopen": (10.0, 6.0, "Ops KPI plan FY26"),
    "service_level": (80.0, 90.0, "MSA §4.2"),
    "abandonment": (5.0, 3.0, "MSA §4.3"),
}
BY_PROGRAM = {
    "P-TCARE": {"aht": (600.0, 480.0, "Ops KPI plan FY26"), "wait": (30.0, 20.0, "MSA §4.4")},
    "P-TTECH": {"aht": (720.0, 600.0, "Ops KPI plan FY26"), "wait": (30.0, 20.0, "MSA §4.4")},
    "P-CLAIMS": {
        "aht": (780.0, 660.0, "Ops KPI plan FY26"),
        "wait": (45.0, 30.0, "Service agreement cl. 7.3"),
        "service_level": (80.0, 90.0, "Service agreement cl. 7.1"),
        "abandonment": (5.0, 3.0, "Service agreement cl. 7.2"),
    },
}
# the mid-period change: the telco care contract amendment tightens AHT
AMENDMENT = ("P-TCARE", "aht", 570.0, 450.0, "MSA amendment 2 §4.2")


def target_rows(window: Window) -> list[TargetRow]:
    since = (window.first_day - dt.timedelta(days=60)).replace(day=1)
    rows = [
        TargetRow(p.program_id, metric, floor, target, source, since)
        for p in PROGRAMS
        for metric, (floor, target, source) in sorted(
            {**COMMON, **BY_PROGRAM[p.program_id]}.items()
        )
    ]
    program_id, metric, floor, target, source = AMENDMENT
    rows.append(TargetRow(program_id, metric, floor, target, source, amendment_date(window)))
    return rows


def amendment_date(window: Window) -> dt.date:
    """The first of the month after the week 13 weeks before the window ends starts (the
    middle of the full 26-week demo)."""
    middle = window.week_start(max(1, window.weeks - 13))  # mid-way through 26 weeks
    return (middle.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def targets_table(window: Window) -> pa.Table:
    rows = target_rows(window)
    return pa.table(
        {
            "program_id": pa.array([r.program_id for r in rows], pa.string()),
            "metric": pa.array([r.metric for r in rows], pa.string()),
            "sla_floor": pa.array([r.sla_floor for r in rows], pa.float64()),
            "kpi_target": pa.array([r.kpi_target for r in rows], pa.float64()),
            "team_id": pa.array([r.team_id for r in rows], pa.string()),
            "source": pa.array([r.source for r in rows], pa.string()),
            "effective_from": pa.array([r.effective_from for r in rows], pa.date32()),
        }
    )
