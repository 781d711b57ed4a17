"""Which target version applies to each scorecard value, and the status it gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from upswing.bulk import per_distinct
from upswing.metrics import CATALOG
from upswing.periods import Period, PeriodKind
from upswing.status import classify_statuses
from upswing.targets.models import Target


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

    The version in force at the end of the period (`period_end` when the frame has it)
    applies; a team's own target wins over
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
    higher = per_distinct(frame["metric"], lambda c: CATALOG[c].higher_is_better, bool)
    neither = per_distinct(frame["metric"], lambda c: CATALOG[c].better.value == "neither", bool)
    floors_used = np.where(neither, np.nan, floors)
    goals_used = np.where(neither, np.nan, goals)
    frame["status"] = classify_statuses(
        frame["value"].to_numpy(float), floors_used, goals_used, higher
    )


def _period_ends(frame: pd.DataFrame) -> np.ndarray:
    """The last day of each row's period (computed once per distinct period); a frame of
    quarters or custom days (`scorecards.live`) carries its own `period_end`."""
    if "period_end" in frame.columns:
        return frame["period_end"].to_numpy(dtype=object)
    kinds, kind_values = pd.factorize(frame["period_kind"])
    starts, start_values = pd.factorize(frame["period_start"])
    pairs, rows = np.unique(kinds * len(start_values) + starts, return_inverse=True)
    ends = np.empty(len(pairs), dtype=object)
    for i, pair in enumerate(pairs):
        kind, start = divmod(int(pair), len(start_values))
        ends[i] = Period(PeriodKind(kind_values[kind]), start_values[start]).end
    return ends[rows.reshape(-1)]


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
    # The same codes may come as Python strings on one side and pandas' string dtype on the
    # other (a team's target: codes with NULLs); merge_asof refuses to join those.
    left[keys] = left[keys].astype(object)
    right = right.astype(dict.fromkeys(keys, object))
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


SNAPSHOT_STATUS_FIELDS = ("sla_floor", "kpi_target", "status")


def refresh_statuses(program_codes) -> int:
    """Re-read the targets for existing snapshots of these programs (None: all programs).

    Values are not recomputed: each snapshot keeps its value and only its sla_floor,
    kpi_target and status follow the target versions now in force. Returns the rows changed.
    """
    from django.db import connection, transaction

    from upswing.performance.models import ScorecardSnapshot

    rows = ScorecardSnapshot.objects.all()
    if program_codes is not None:
        rows = rows.filter(program_code__in=list(program_codes))
    columns = ["id", "level", "entity_code", "team_code", "program_code", "period_kind"]
    columns += ["period_start", "metric", "value", *SNAPSHOT_STATUS_FIELDS]
    frame = pd.DataFrame(list(rows.values_list(*columns)), columns=columns)
    if frame.empty:
        return 0
    old = frame[list(SNAPSHOT_STATUS_FIELDS)].copy()
    frame["program_id"] = frame["program_code"]
    # A team row's own code is its team; a program row has no team.
    frame["team_id"] = frame["team_code"].where(frame["team_code"] != "", None)
    add_statuses(frame)
    changed = _differs(old, frame)
    if not changed.any():
        return 0
    out = frame.loc[changed, [*SNAPSHOT_STATUS_FIELDS, "id"]]
    out = out.astype(object).where(out.notna(), None)
    table = ScorecardSnapshot._meta.db_table
    sql = f"UPDATE {table} SET sla_floor = %s, kpi_target = %s, status = %s WHERE id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, list(out.itertuples(index=False, name=None)))
    return int(changed.sum())


def _differs(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
    out = (old["status"].to_numpy() != new["status"].to_numpy()).copy()
    for name in ("sla_floor", "kpi_target"):
        a = old[name].to_numpy(dtype=float)
        b = new[name].to_numpy(dtype=float)
        out |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return out
