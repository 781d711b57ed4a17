"""Which interactions a QA analyst evaluates: the sampling rules and the per-agent quota.

Each ISO week, per agent: first the interactions a rule flags (in the policy's order of
priority: low CSAT, escalated, reopened, long handle time), then a random draw of the rest,
until the agent's quota is met. The random draw is reproducible: interactions are ordered by
a hash of the policy's seed and their id, so the same week drawn twice gives the same sample
and nobody can steer which contacts are picked.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


class SampleReason(enum.StrEnum):
    LOW_CSAT = "low_csat"
    ESCALATED = "escalated"
    REOPENED = "reopened"
    LONG_HANDLE = "long_handle"
    RANDOM = "random"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    SampleReason.LOW_CSAT: "Low CSAT",
    SampleReason.ESCALATED: "Escalated",
    SampleReason.REOPENED: "Reopened",
    SampleReason.LONG_HANDLE: "Long handle time",
    SampleReason.RANDOM: "Random",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One answered interaction of the week, with what the rules look at."""

    source: str
    interaction_id: str
    agent_id: str
    local_date: dt.date
    channel: str = ""
    handle_seconds: float | None = None
    csat: float | None = None
    escalated: bool = False
    reopened: bool = False


@dataclass(frozen=True, slots=True)
class SamplingPolicy:
    per_agent_per_week: int = 4  # the quota: evaluations per agent and week
    random_per_agent: int = 1  # of which at least this many are drawn at random
    low_csat_at_most: float = 2.0  # a CSAT score at or below this flags the contact
    long_handle_quantile: float = 0.9  # handle time above this quantile of the week flags it
    rules: tuple[SampleReason, ...] = (
        SampleReason.LOW_CSAT,
        SampleReason.ESCALATED,
        SampleReason.REOPENED,
        SampleReason.LONG_HANDLE,
    )
    seed: str = "upswing"

    def __post_init__(self) -> None:
        if self.per_agent_per_week < 1:
            raise ValueError("the quota must be at least one evaluation per agent and week")
        if not 0 <= self.random_per_agent <= self.per_agent_per_week:
            raise ValueError("the random draw must fit inside the quota")
        if not 0 < self.long_handle_quantile < 1:
            raise ValueError("the long-handle quantile must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class SampleChoice:
    source: str
    interaction_id: str
    agent_id: str
    week_start: dt.date
    reason: SampleReason


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def draw_sample(
    candidates: Iterable[Candidate],
    policy: SamplingPolicy = SamplingPolicy(),
    *,
    exclude: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[SampleChoice, ...]:
    """The week's sample per agent (at most the quota each); `exclude` = (source, id) already
    in a queue, which also count against the agent's quota for their week."""
    by_week_agent: dict[tuple[dt.date, str], list[Candidate]] = defaultdict(list)
    taken: dict[tuple[dt.date, str], int] = defaultdict(int)
    all_rows = list(candidates)
    for c in all_rows:
        key = (week_start(c.local_date), c.agent_id)
        if (c.source, c.interaction_id) in exclude:
            taken[key] += 1
        else:
            by_week_agent[key].append(c)
    thresholds = _long_handle_thresholds(all_rows, policy.long_handle_quantile)
    out: list[SampleChoice] = []
    for (week, agent), rows in sorted(by_week_agent.items()):
        room = policy.per_agent_per_week - taken[(week, agent)]
        out += _agent_week(rows, week, agent, room, thresholds.get(week), policy)
    return tuple(out)


def _agent_week(rows, week, agent, room, long_at, policy) -> list[SampleChoice]:
    if room <= 0:
        return []
    shuffled = sorted(rows, key=lambda c: _hash(policy.seed, c))
    flagged_room = max(0, room - min(policy.random_per_agent, len(rows)))
    chosen: dict[tuple[str, str], SampleReason] = {}
    for reason in policy.rules:
        for c in shuffled:
            if len(chosen) >= flagged_room:
                break
            key = (c.source, c.interaction_id)
            if key not in chosen and flags(c, reason, policy, long_at):
                chosen[key] = reason
    for c in shuffled:
        if len(chosen) >= room:
            break
        chosen.setdefault((c.source, c.interaction_id), SampleReason.RANDOM)
    return [SampleChoice(src, iid, agent, week, reason) for (src, iid), reason in chosen.items()]


def flags(c: Candidate, reason: SampleReason, policy: SamplingPolicy, long_at) -> bool:
    if reason is SampleReason.LOW_CSAT:
        return c.csat is not None and c.csat <= policy.low_csat_at_most
    if reason is SampleReason.ESCALATED:
        return c.escalated
    if reason is SampleReason.REOPENED:
        return c.reopened
    if reason is SampleReason.LONG_HANDLE:
        return long_at is not None and c.handle_seconds is not None and c.handle_seconds > long_at
    return False


def _long_handle_thresholds(rows: list[Candidate], q: float) -> dict[dt.date, float]:
    """Per week, the handle time at quantile q of all answered contacts (nearest rank)."""
    by_week: dict[dt.date, list[float]] = defaultdict(list)
    for c in rows:
        if c.handle_seconds is not None:
            by_week[week_start(c.local_date)].append(c.handle_seconds)
    out = {}
    for week, values in by_week.items():
        values.sort()
        out[week] = values[max(0, math.ceil(q * len(values)) - 1)]
    return out


def _hash(seed: str, c: Candidate) -> str:
    return hashlib.sha256(f"{seed}|{c.source}|{c.interaction_id}".encode()).hexdigest()
