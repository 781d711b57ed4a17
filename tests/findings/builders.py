"""Hand-built series for the diagnosis rules: weekly observations with real intervals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from upswing import stats
from upswing.findings.rules import AgentSeries, Observation
from upswing.metrics import CATALOG, Aggregate
from upswing.periods import Period, PeriodKind

LAST = Period(PeriodKind.WEEK, dt.date(2026, 10, 19))  # 2026-W43
AS_OF = dt.date(2026, 10, 25)


def weeks_ending(last: Period, count: int) -> list[Period]:
    out = [last]
    while len(out) < count:
        out.append(out[-1].previous())
    return list(reversed(out))


def share_obs(period: Period, value: float, n: int, **extra) -> Observation:
    successes = round(value / 100 * n)
    interval = stats.compute_wilson_interval(successes, n)
    return Observation(
        period,
        100 * successes / n,
        float(successes),
        n,
        100 * interval.low,
        100 * interval.high,
        **extra,
    )


def mean_obs(period: Period, value: float, n: int, sd: float, **extra) -> Observation:
    interval = stats.compute_mean_interval(value, sd, n)
    return Observation(period, value, value * n, n, interval.low, interval.high, **extra)


def series(
    metric: str,
    values: Sequence[float | None],
    *,
    n: int | Sequence[int] = 100,
    floor: float | None = None,
    baseline: float | None = None,
    agent: str = "A1",
    team: str = "T1",
    program: str = "P1",
    sd: float = 60.0,
    last: Period = LAST,
) -> AgentSeries:
    """One agent's weekly series ending with `last`; None is a week without data."""
    periods = weeks_ending(last, len(values))
    sizes = [n] * len(values) if isinstance(n, int) else list(n)
    observations = []
    for period, value, size in zip(periods, values, sizes, strict=True):
        if value is None:
            continue
        extra = {
            "sla_floor": floor,
            "baseline": baseline,
            "ref": f"{agent}-{metric}-{period.label}",
        }
        if CATALOG[metric].aggregate is Aggregate.SHARE:
            observations.append(share_obs(period, value, size, **extra))
        else:
            observations.append(mean_obs(period, value, size, sd, **extra))
    return AgentSeries(agent, team, program, metric, tuple(observations))
