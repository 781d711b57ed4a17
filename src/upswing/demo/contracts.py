"""Contracts per program: the client's SLA schedule (floors from the targets' contract
clauses), allowable failures, service credits and one amendment, as the `contracts` kind."""

from __future__ import annotations

import pyarrow as pa

from upswing.demo.catalog import PROGRAMS
from upswing.demo.clock import Window
from upswing.demo.targets import AMENDMENT, BY_PROGRAM, COMMON, amendment_date, target_rows

# The metrics a client contract governs monthly at program level; the rest stay internal KPIs.
CONTRACT_METRICS = ("aht", "fcr", "csat", "service_level", "abandonment")
# program -> (vendor_id, vendor_name, monthly fee); Meridian buys from two vendors
VENDORS = {
    "P-TCARE": ("V-NORTH", "Northwind Contact Services", 180_000.0),
    "P-TTECH": ("V-HARBOR", "Harbor BPO", 150_000.0),
    "P-CLAIMS": ("V-NORTH", "Northwind Contact Services", 120_000.0),
}
SERVICE_LINE = {"P-TCARE": "Telco support", "P-TTECH": "Telco support"}
# metric -> (percent of the monthly fee per step below the floor, size of a step, cap)
CREDITS = {"service_level": (1.0, 1.0, 10.0), "fcr": (0.5, 1.0, 5.0)}
COLUMNS = (
    "program_id", "version", "effective_from", "metric", "floor", "target", "window", "level",
    "source", "vendor_id", "vendor_name", "service_line", "corrective_after", "review_after",
    "rolling_months", "monthly_fee", "currency", "credit_percent_per_point",
    "credit_points_per_step", "credit_cap_percent",
)  # fmt: skip


def contract_rows(window: Window) -> list[dict]:
    since = target_rows(window)[0].effective_from
    rows = []
    for program in PROGRAMS:
        standards = {**COMMON, **BY_PROGRAM[program.program_id]}
        rows += _version(program.program_id, "1", since, standards)
        if program.program_id == AMENDMENT[0]:
            _, metric, floor, target, source = AMENDMENT
            amended = {**standards, metric: (floor, target, source)}
            rows += _version(program.program_id, "2", amendment_date(window), amended)
    return rows


def _version(program_id: str, version: str, since, standards: dict) -> list[dict]:
    vendor_id, vendor_name, fee = VENDORS[program_id]
    out = []
    for metric in CONTRACT_METRICS:
        floor, target, source = standards[metric]
        percent, step, cap = CREDITS.get(metric, (None, None, None))
        out.append(
            {
                "program_id": program_id, "version": version, "effective_from": since,
                "metric": metric, "floor": floor, "target": target, "window": "month",
                "level": "program", "source": source, "vendor_id": vendor_id,
                "vendor_name": vendor_name, "service_line": SERVICE_LINE.get(program_id),
                "corrective_after": 2.0, "review_after": 3.0, "rolling_months": 6.0,
                "monthly_fee": fee, "currency": "USD", "credit_percent_per_point": percent,
                "credit_points_per_step": step, "credit_cap_percent": cap,
            }
        )  # fmt: skip
    return out


_NUMBERS = (
    "floor", "target", "corrective_after", "review_after", "rolling_months", "monthly_fee",
    "credit_percent_per_point", "credit_points_per_step", "credit_cap_percent",
)  # fmt: skip
_TYPES = {"effective_from": pa.date32(), **dict.fromkeys(_NUMBERS, pa.float64())}


def contracts_table(window: Window) -> pa.Table:
    rows = contract_rows(window)
    return pa.table(
        {c: pa.array([r[c] for r in rows], _TYPES.get(c, pa.string())) for c in COLUMNS}
    )
