"""Which target version applies to each scorecard value, and the status it gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from upswing.metrics import CATALOG
from upswing.performance.models import Target
from upswing.performance.rules import classify_statuses
from upswing.periods import Period, PeriodKind


def target_versions() -> pd.DataFrame:
    rows = Target.objects.values_list(
        "program__code", "team__code", "metric", "effective_from", "sla_floor", "kpi_target"
    )
    return pd.DataFrame(
        list(rows),
        columns=["program_id", "team_id", "metric", "effective_from", "sla_floor", "kpi_target"],
    )


def add_statuses(frame: pd.DataFrame, versions: pd.DataFrame | None = None) -> None:
    """Add sla_floor, kpi_target and status columns to a scorecard frame.

    The version in force at the end of the period applies; a team's own target wins over
    its program's for that team's rows and its agents' rows.
    """
    versions = target_versions() if versions is None else versions
    period_end = _period_ends(frame)
    floors = np.full(len(frame), np.nan)
    goals = np.full(len(frame), np.nan)
    if not versions.empty:
        program_level = versions[versions["team_id"].isna()]
        team_level = versions[versions["team_id"].notna()]
        _fill(frame, period_end, program_level, ["program_id", "metric"], floors, goals, None)
        team_rows = (frame["level"] != "program").to_numpy()
        _fill(frame, period_end, team_level, ["team_id", "metric"], floors, goals, team_rows)
    frame["sla_floor"], frame["kpi_target"] = floors, goals
    higher = frame["metric"].map(lambda m: CATALOG[m].higher_is_better).to_numpy()
    neither = frame["metric"].map(lambda m: CATALOG[m].better.value == "neither").to_numpy()
    floors_used = np.where(neither, np.nan, floors)
    goals_used = np.where(neither, np.nan, goals)
    frame["status"] = classify_statuses(
        frame["value"].to_numpy(float), floors_used, goals_used, higher
    )


def _period_ends(frame: pd.DataFrame) -> np.ndarray:
    ends = {}
    out = []
    for kind, start in zip(frame["period_kind"], frame["period_start"], strict=True):
        key = (kind, start)
        if key not in ends:
            ends[key] = Period(PeriodKind(kind), start).end
        out.append(ends[key])
    return np.array(out, dtype=object)


def _fill(frame, period_end, versions, keys, floors, goals, row_mask) -> None:
    """Latest version with effective_from <= period end, per key (an as-of join)."""
    if versions.empty:
        return
    left = frame[keys].copy()
    left["_row"] = np.arange(len(frame))
    left["_end"] = pd.to_datetime(pd.Series(period_end, index=frame.index))
    if row_mask is not None:
        left = left[row_mask]
    left = left.dropna(subset=keys).sort_values("_end")
    right = versions.assign(_end=pd.to_datetime(versions["effective_from"])).sort_values("_end")
    merged = pd.merge_asof(
        left,
        right[[*keys, "_end", "sla_floor", "kpi_target"]],
        on="_end",
        by=keys,
        direction="backward",
    )
    found = merged["sla_floor"].notna() | merged["kpi_target"].notna()
    rows = merged.loc[found, "_row"].to_numpy()
    floors[rows] = merged.loc[found, "sla_floor"].to_numpy(dtype=float)
    goals[rows] = merged.loc[found, "kpi_target"].to_numpy(dtype=float)

