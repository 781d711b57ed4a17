"""The daily segments a scorecard refresh reads once and sums into every level, period and
part (`upswing.scorecards.refresh`), and the spread of a mean read back from their sums."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np

from upswing.periods import PeriodKind
from upswing.warehouse.kpis import (
    Scope,
    call_facts,
    effective_memberships,
    evaluation_facts,
    survey_facts,
)
from upswing.warehouse.measures import MEASURES, Source

SEGMENT_KEYS = ("agent_id", "local_date", "team_id", "team_program_id", "program_id")


def daily_segments(
    con: ibis.BaseBackend,
    source: Source,
    scope: Scope,
    interactions: ir.Table | None = None,
    criteria: ir.Table | None = None,
) -> ir.Table:
    """A source's facts summed by agent, local day, the team whose membership covers that day
    (with the team's program) and the program the facts carry: each wanted measure's
    numerator and n, and for a MEAN its sum of values and of squares.

    Every scorecard row (program, team, agent, and the parts of an agent's period) is a sum
    of these segments, so one pass over the facts serves every level and period kind; the
    spread of a MEAN is read from its sums (`sd_from_sums`). `interactions`: a table of the
    scope's interactions already read (calls and surveys then read it, not the facts);
    `criteria`: the QA criteria to read, whole evaluations (as `evaluation_facts`)."""
    if source is Source.EVALUATIONS:
        facts = evaluation_facts(con, scope, PeriodKind.WEEK, criteria)
    else:
        reader = call_facts if source is Source.CALLS else survey_facts
        facts = reader(con, scope, PeriodKind.WEEK, interactions)
    m = effective_memberships(con).rename(m_agent_id="agent_id", team_program_id="program_id")
    joined = facts.left_join(
        m,
        [
            facts.agent_id == m.m_agent_id,
            facts.local_date >= m.start_date,
            facts.local_date <= m.end_date,
        ],
    )
    reductions: dict[str, ir.Scalar] = {"facts": joined.count()}
    for measure in MEASURES.values():
        if measure.source is source:
            reductions[f"{measure.metric}__numerator"] = measure.numerator(joined)
            reductions[f"{measure.metric}__n"] = measure.n(joined)
            if measure.square is not None:
                reductions[f"{measure.metric}__square"] = measure.square(joined)
    return joined.group_by(*SEGMENT_KEYS).aggregate(**reductions)


def sd_from_sums(total, squares, n):
    """Sample standard deviations from sums and sums of squares (NaN below two values);
    arrays in, an array out."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = (np.asarray(squares, float) - np.asarray(total, float) ** 2 / n) / (n - 1)
    return np.where(n > 1, np.sqrt(np.clip(spread, 0.0, None)), np.nan)
