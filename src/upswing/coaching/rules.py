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

from upswing.findings.rules import wording
from upswing.findings.rules.gaps import Pooled
from upswing.metrics import CATALOG, Better

EFFECT_WEEKS = 4  # weeks read before and after a session
MIN_NOTABLE_CHANGE = 0.05  # a move of 5% of the earlier value counts as a change ...
SESSION_KINDS = ("one_to_one", "side_by_side", "training", "workshop")


class EffectVerdict(enum.StrEnum):
    CLOSED_GAP = "closed_gap"  # after the session the metric meets the standard it missed
    IMPROVED = "improved"  # better, beyond the noise, but still short of the standard
    NO_CHANGE = "no_change"  # the change's interval rules out a material improvement
    WORSE = "worse"
    UNCLEAR = "unclear"  # the change's interval holds both no change and a material improvement
    TOO_EARLY = "too_early"  # the weeks after the session have not happened yet
    INSUFFICIENT = "insufficient"  # too few observations on either side


EFFECT_LABELS = {
    EffectVerdict.CLOSED_GAP: "Closed the gap",
    EffectVerdict.IMPROVED: "Improved",
    EffectVerdict.NO_CHANGE: "Stuck: no improvement",
    EffectVerdict.WORSE: "Worse",
    EffectVerdict.UNCLEAR: "Not clear yet",
    EffectVerdict.TOO_EARLY: "Too early to tell",
    EffectVerdict.INSUFFICIENT: "Too few to judge",
}


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
    topic: str = ""
    notes: str = ""


def is_documented(topic: str, notes: str, actions: int) -> bool:
    """A session counts as documented coaching (what the ladder rests a plan on) when it names
    its topic and records notes or at least one agreed action."""
    return bool(topic.strip()) and (bool(notes.strip()) or actions > 0)


def session_problems(draft: SessionDraft) -> tuple[str, ...]:
    """Why a session cannot be recorded as it stands (empty when it can)."""
    problems = []
    if not draft.topic.strip():
        problems.append("a session needs a topic: what was worked on")
    if not draft.notes.strip() and not draft.actions:
        problems.append("a session needs notes or at least one agreed action")
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
    """Closed / improved / stuck (no change or worse) / not clear yet, decided on intervals.

    The change (after minus before) gets its own 95% interval from the two sides' intervals
    (`change_interval`). Closed: before, the whole interval missed the standard; after, the
    value meets it. Improved: the after-interval lies wholly on the better side of the
    before-interval, or the change's interval excludes zero on the better side. Worse: the
    same on the worse side. No change (stuck): the change's interval rules out a material
    improvement (5% of the earlier value). Anything else is not clear yet: the weeks read
    cannot tell a real improvement from none.
    """
    if not after_complete and (after is None or after.n < min_n):
        return Effect(metric, EffectVerdict.TOO_EARLY, before, after, standard, _too_early(metric))
    if not _usable(before, min_n) or not _usable(after, min_n):
        return Effect(
            metric, EffectVerdict.INSUFFICIENT, before, after, standard, _thin(metric, min_n)
        )
    verdict = _compare(metric, before, after, standard)
    reason = _reason(metric, verdict, before, after, standard)
    return Effect(metric, verdict, before, after, standard, reason)


def change_interval(before: Pooled, after: Pooled) -> tuple[float, float] | None:
    """A 95% interval for after minus before, recovered from the two intervals (MOVER: Zou and
    Donner 2008; with Wilson intervals it is Newcombe's 1998 method 10 for a difference of
    proportions). None when either side has no interval."""
    if None in (before.low, before.high, after.low, after.high):
        return None
    change = after.value - before.value
    low = change - math.hypot(after.value - after.low, before.high - before.value)
    high = change + math.hypot(after.high - after.value, before.value - before.low)
    return low, high


def material_change(metric: str, before: Pooled) -> float:
    """The smallest move that counts as an improvement: 5% of the earlier value (in the metric's
    own unit; for a zero earlier value, 5% of the metric's unit step of 1)."""
    return MIN_NOTABLE_CHANGE * abs(before.value or 1.0)


def _usable(pooled: Pooled | None, min_n: int) -> bool:
    return pooled is not None and pooled.n >= min_n and math.isfinite(pooled.value)


def _worse(metric: str, a: float, b: float) -> bool:
    """a is worse than b for this metric."""
    return a < b if CATALOG[metric].better is Better.HIGHER else a > b


def _gain_bounds(metric: str, before: Pooled, after: Pooled) -> tuple[float, float] | None:
    """The change's interval as a gain (positive = better), lower end first."""
    interval = change_interval(before, after)
    if interval is None:
        return None
    low, high = interval
    return (low, high) if CATALOG[metric].better is Better.HIGHER else (-high, -low)


def _compare(metric: str, before: Pooled, after: Pooled, standard: float | None) -> EffectVerdict:
    if (
        standard is not None
        and _interval_misses(metric, before, standard)
        and not _worse(metric, after.value, standard)
    ):
        return EffectVerdict.CLOSED_GAP
    gain = _gain_bounds(metric, before, after)
    separated = _separated(before, after)
    if (gain is not None and gain[0] > 0) or (
        separated and _worse(metric, before.value, after.value)
    ):
        return EffectVerdict.IMPROVED
    if (gain is not None and gain[1] < 0) or (
        separated and _worse(metric, after.value, before.value)
    ):
        return EffectVerdict.WORSE
    if gain is not None and gain[1] < material_change(metric, before):
        return EffectVerdict.NO_CHANGE
    return EffectVerdict.UNCLEAR


def _interval_misses(metric: str, pooled: Pooled, standard: float) -> bool:
    if pooled.low is None or pooled.high is None:
        return _worse(metric, pooled.value, standard)
    edge = pooled.high if CATALOG[metric].better is Better.HIGHER else pooled.low
    return _worse(metric, edge, standard)


def _separated(before: Pooled, after: Pooled) -> bool:
    if None in (before.low, before.high, after.low, after.high):
        return False
    return after.low > before.high or after.high < before.low


def _reason(
    metric: str, verdict: EffectVerdict, before: Pooled, after: Pooled, standard: float | None
) -> str:
    said = _said(metric, verdict, before, after, standard)
    return (
        f"{wording.label(metric)} was {_pooled_text(metric, before)} in the {EFFECT_WEEKS} weeks "
        f"before the session and {_pooled_text(metric, after)} in the {EFFECT_WEEKS} weeks "
        f"after{_change_text(metric, before, after)}: {said}."
    )


def _said(
    metric: str, verdict: EffectVerdict, before: Pooled, after: Pooled, standard: float | None
) -> str:
    material = _signed(metric, material_change(metric, before)).lstrip("+")
    goal = wording.value(metric, standard)
    if verdict is EffectVerdict.IMPROVED and standard is not None:
        short = _worse(metric, after.value, standard)
        return "it improved beyond the noise" + (
            f", but it is still short of the standard ({goal})"
            if short
            else f" and meets the standard ({goal})"
        )
    return {
        EffectVerdict.CLOSED_GAP: f"the gap to the standard ({goal}) closed",
        EffectVerdict.IMPROVED: "it improved beyond the noise",
        EffectVerdict.NO_CHANGE: f"stuck: an improvement of {material} or more is ruled out",
        EffectVerdict.WORSE: "it got worse beyond the noise",
        EffectVerdict.UNCLEAR: "not clear yet: the change's interval holds both no change and "
        f"an improvement of {material}",
    }[verdict]


def _change_text(metric: str, before: Pooled, after: Pooled) -> str:
    change = after.value - before.value
    interval = change_interval(before, after)
    if interval is None:
        return f", a change of {_signed(metric, change)}"
    low, high = interval
    return (
        f", a change of {_signed(metric, change)} "
        f"(95% interval {_signed(metric, low)} to {_signed(metric, high)})"
    )


def _signed(metric: str, change: float) -> str:
    """A change in the metric's unit: percentages move in points."""
    text = wording.value(metric, abs(change))
    if text.endswith("%"):
        text = text[:-1] + " points"
    rounds_to_zero = not any(c in "123456789" for c in text)
    sign = "−" if change < 0 and not rounds_to_zero else "+"
    return f"{sign}{text}"


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
    CLOSED = "closed"
    IMPROVING = "improving"
    STUCK = "stuck"
    UNCLEAR = "unclear"
    TOO_FEW = "too_few"
    TOO_EARLY = "too_early"


PROGRESS_LABELS = {
    Progress.CLOSED: "Closed",
    Progress.IMPROVING: "Improving",
    Progress.STUCK: "Stuck",
    Progress.UNCLEAR: "Not clear yet",
    Progress.TOO_FEW: "Too few to judge",
    Progress.TOO_EARLY: "Too early",
}
_PROGRESS_OF = {
    EffectVerdict.CLOSED_GAP: Progress.CLOSED,
    EffectVerdict.IMPROVED: Progress.IMPROVING,
    EffectVerdict.NO_CHANGE: Progress.STUCK,
    EffectVerdict.WORSE: Progress.STUCK,
    EffectVerdict.UNCLEAR: Progress.UNCLEAR,
}


def progress_after_coaching(effects: Sequence[EffectVerdict]) -> Progress:
    """An agent's overall read from their sessions' effects, latest first: the latest judged
    session decides (closed, improving, stuck or not clear yet). With none judged: too few to
    judge when a session had too few observations, too early otherwise."""
    judged = [e for e in effects if e in _PROGRESS_OF]
    if judged:
        return _PROGRESS_OF[judged[0]]
    if EffectVerdict.INSUFFICIENT in effects:
        return Progress.TOO_FEW
    return Progress.TOO_EARLY


def is_uncovered(last_session_on: dt.date | None, as_of: dt.date, *, within_days: int = 14) -> bool:
    """An open finding is uncovered when no session was held in the last `within_days` days."""
    return last_session_on is None or (as_of - last_session_on).days > within_days
