"""Pure coaching decisions: is a session record complete, and did the coaching work?

No Django, no Ibis: plain values in, frozen dataclasses out. The effectiveness verdict compares
the metric over the weeks before a session with the weeks after it, each pooled exactly from
its totals (shares from their counts, means from their sums of squares) with its interval.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.metrics import CATALOG, Better
from upswing.performance.rules import wording
from upswing.performance.rules.gaps import Pooled

EFFECT_WEEKS = 4  # weeks read before and after a session
MIN_NOTABLE_CHANGE = 0.05  # a move of 5% of the earlier value counts as a change ...
SESSION_KINDS = ("one_to_one", "side_by_side", "training", "workshop")


class EffectVerdict(enum.StrEnum):
    CLOSED_GAP = "closed_gap"  # after the session the metric meets the standard it missed
    IMPROVED = "improved"  # better, beyond the noise, but still short of the standard
    NO_CHANGE = "no_change"
    WORSE = "worse"
    TOO_EARLY = "too_early"  # the weeks after the session have not happened yet
    INSUFFICIENT = "insufficient"  # too few observations on either side


# --- the record -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionDraft:
    description: str
    has_owner: bool
    due_on: dt.date | None


@dataclass(frozen=True, slots=True)
class SessionDraft:
    kind: str
    coached_on: dt.date
    metric: str
    behaviours: tuple[str, ...]
    follow_up_on: dt.date | None
    actions: tuple[ActionDraft, ...]


def session_problems(draft: SessionDraft) -> tuple[str, ...]:
    """Why a session cannot be recorded as it stands (empty when it can)."""
    problems = []
    if draft.kind not in SESSION_KINDS:
        problems.append(f"kind must be one of {', '.join(SESSION_KINDS)}, not {draft.kind!r}")
    if draft.metric and draft.metric not in CATALOG:
        problems.append(f"{draft.metric!r} is not a metric")
    if any(not b.strip() for b in draft.behaviours):
        problems.append("a behaviour worked on cannot be blank")
    if draft.follow_up_on is not None and draft.follow_up_on < draft.coached_on:
        problems.append("the follow-up date is before the session")
    for number, action in enumerate(draft.actions, start=1):
        if not action.description.strip():
            problems.append(f"action {number} has no description")
        if not action.has_owner:
            problems.append(f"action {number} has no owner")
        if action.due_on is not None and action.due_on < draft.coached_on:
            problems.append(f"action {number} is due before the session")
    return tuple(problems)


# --- effectiveness --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Effect:
    metric: str
    verdict: EffectVerdict
    before: Pooled | None
    after: Pooled | None
    standard: float | None  # the SLA floor the gap was measured against, if any
    reason: str

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after.value - self.before.value


def effect_verdict(
    metric: str,
    before: Pooled | None,
    after: Pooled | None,
    *,
    standard: float | None,
    min_n: int,
    after_complete: bool = True,
) -> Effect:
    """Closed the gap / improved / no change / worse, decided on the two pooled intervals.

    Closed: before, the whole interval missed the standard; after, the point estimate meets it.
    Improved / worse: the intervals no longer overlap and the move is material (5% of the
    earlier value). Anything else is no change: the noise of a few weeks is not an effect.
    """
    if not after_complete and (after is None or after.n < min_n):
        return Effect(metric, EffectVerdict.TOO_EARLY, before, after, standard, _too_early(metric))
    if not _usable(before, min_n) or not _usable(after, min_n):
        return Effect(
            metric, EffectVerdict.INSUFFICIENT, before, after, standard, _thin(metric, min_n)
        )
    verdict = _compare(metric, before, after, standard)
    return Effect(metric, verdict, before, after, standard, _reason(metric, verdict, before, after))


def _usable(pooled: Pooled | None, min_n: int) -> bool:
    return pooled is not None and pooled.n >= min_n and math.isfinite(pooled.value)


def _worse(metric: str, a: float, b: float) -> bool:
    """a is worse than b for this metric."""
    return a < b if CATALOG[metric].better is Better.HIGHER else a > b


def _compare(metric: str, before: Pooled, after: Pooled, standard: float | None) -> EffectVerdict:
    if (
        standard is not None
        and _interval_misses(metric, before, standard)
        and not _worse(metric, after.value, standard)
    ):
        return EffectVerdict.CLOSED_GAP
    separated = _separated(before, after)
    material = abs(after.value - before.value) >= MIN_NOTABLE_CHANGE * abs(before.value or 1.0)
    if not (separated and material):
        return EffectVerdict.NO_CHANGE
    return (
        EffectVerdict.WORSE
        if _worse(metric, after.value, before.value)
        else (EffectVerdict.IMPROVED)
    )


def _interval_misses(metric: str, pooled: Pooled, standard: float) -> bool:
    if pooled.low is None or pooled.high is None:
        return _worse(metric, pooled.value, standard)
    edge = pooled.high if CATALOG[metric].better is Better.HIGHER else pooled.low
    return _worse(metric, edge, standard)


def _separated(before: Pooled, after: Pooled) -> bool:
    if None in (before.low, before.high, after.low, after.high):
        return False
    return after.low > before.high or after.high < before.low


def _reason(metric: str, verdict: EffectVerdict, before: Pooled, after: Pooled) -> str:
    said = {
        EffectVerdict.CLOSED_GAP: "the gap to the standard closed",
        EffectVerdict.IMPROVED: "it improved beyond the noise, but the gap is not closed",
        EffectVerdict.NO_CHANGE: "no change beyond the noise",
        EffectVerdict.WORSE: "it got worse beyond the noise",
    }[verdict]
    return (
        f"{wording.label(metric)} was {_pooled_text(metric, before)} in the {EFFECT_WEEKS} weeks "
        f"before the session and {_pooled_text(metric, after)} in the {EFFECT_WEEKS} weeks "
        f"after: {said}."
    )


def _pooled_text(metric: str, pooled: Pooled) -> str:
    interval = (
        f" (95% interval {wording.value(metric, pooled.low)} to "
        f"{wording.value(metric, pooled.high)})"
        if pooled.low is not None and pooled.high is not None
        else ""
    )
    return f"{wording.value(metric, pooled.value)}{interval}, {wording.sample(metric, pooled.n)}"


def _too_early(metric: str) -> str:
    return (
        f"The {EFFECT_WEEKS} weeks after the session are not over yet: too early to judge "
        f"{wording.label(metric)}."
    )


def _thin(metric: str, min_n: int) -> str:
    return (
        f"Too few observations of {wording.label(metric)} before or after the session "
        f"(at least {min_n} each side are needed) to judge its effect."
    )


# --- reports ---------------------------------------------------------------------------------


class Progress(enum.StrEnum):
    IMPROVING = "improving"
    STUCK = "stuck"
    TOO_EARLY = "too_early"


def progress_after_coaching(effects: Sequence[EffectVerdict]) -> Progress:
    """An agent's overall read from their sessions' effects, latest first: the latest judged
    session decides (improving when it closed the gap or improved, stuck otherwise)."""
    judged = [e for e in effects if e not in (EffectVerdict.TOO_EARLY, EffectVerdict.INSUFFICIENT)]
    if not judged:
        return Progress.TOO_EARLY
    if judged[0] in (EffectVerdict.CLOSED_GAP, EffectVerdict.IMPROVED):
        return Progress.IMPROVING
    return Progress.STUCK


def is_uncovered(last_session_on: dt.date | None, as_of: dt.date, *, within_days: int = 14) -> bool:
    """An open finding is uncovered when no session was held in the last `within_days` days."""
    return last_session_on is None or (as_of - last_session_on).days > within_days
