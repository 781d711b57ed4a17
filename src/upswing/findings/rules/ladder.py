"""The intervention ladder: monitor → coach → train → pip, and process_fix beside it.

A plan (pip) is only for an individual, sustained gap below the SLA floor on a metric the
agent controls, after documented coaching on the same metric or behaviour (by default at
least 2 sessions spread over at least 3 weeks, all before the latest week still below) that
did not close it. Anything short of that gets the next rung and the reason a plan is not
yet appropriate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.findings.rules import wording
from upswing.findings.rules.types import (
    Cause,
    CoachingRecord,
    DiagnosisConfig,
    FindingKind,
    Recommendation,
)
from upswing.metrics import CATALOG


@dataclass(frozen=True, slots=True)
class LadderInput:
    kind: FindingKind
    cause: Cause
    metric: str
    behaviours: tuple[str, ...]
    below_floor: bool  # sustained below the SLA floor (not only below the team)
    latest_gap_start: dt.date | None  # the first day of the latest period still below
    as_of: dt.date
    sessions: tuple[CoachingRecord, ...]  # the agent's coaching, any topic


@dataclass(frozen=True, slots=True)
class LadderDecision:
    recommendation: Recommendation
    reasons: tuple[str, ...]
    sessions: tuple[CoachingRecord, ...]  # the coaching the decision rests on


def relevant_sessions(
    sessions: Sequence[CoachingRecord],
    metric: str,
    behaviours: Sequence[str],
    as_of: dt.date,
    config: DiagnosisConfig,
) -> tuple[CoachingRecord, ...]:
    """Documented coaching (a topic, and notes or an agreed action) on the same metric, or
    whose topic names the metric or one of the behaviours: an empty record is not coaching."""
    since = as_of - dt.timedelta(days=config.coaching_lookback_days)
    words = {metric.lower(), CATALOG[metric].label.lower(), wording.label(metric).lower()}
    words |= {b.lower() for b in behaviours if b}

    def matches(session: CoachingRecord) -> bool:
        if session.metric.lower() == metric:
            return True
        topic = session.topic.lower()
        return bool(topic) and any(word in topic for word in words)

    chosen = [s for s in sessions if s.documented and since <= s.coached_on <= as_of and matches(s)]
    return tuple(sorted(chosen, key=lambda s: (s.coached_on, s.session_id)))


def climb_ladder(step: LadderInput, config: DiagnosisConfig) -> LadderDecision:
    if step.cause is Cause.SYSTEMIC:
        return LadderDecision(
            Recommendation.PROCESS_FIX,
            (
                "The cause is systemic, so the fix is in the process: no individual coaching plan "
                "or performance plan is appropriate.",
            ),
            (),
        )
    if step.cause is Cause.INSUFFICIENT_DATA:
        return LadderDecision(
            Recommendation.MONITOR,
            (
                "There are too few observations to judge; keep monitoring until the sample "
                "is large enough.",
            ),
            (),
        )
    if step.cause is Cause.CONTEXT:
        return LadderDecision(
            Recommendation.MONITOR,
            (
                "The gap comes from the mix of work, not from the agent; monitor, and look "
                "at routing.",
            ),
            (),
        )
    if step.kind is FindingKind.TREND:
        return LadderDecision(
            Recommendation.MONITOR,
            ("A decline that has not become a sustained gap is monitored, not acted on yet.",),
            (),
        )
    return _individual(step, config)


def _individual(step: LadderInput, config: DiagnosisConfig) -> LadderDecision:
    relevant = relevant_sessions(step.sessions, step.metric, step.behaviours, step.as_of, config)
    subject = _subject(step)
    if not relevant:
        return LadderDecision(
            Recommendation.COACH,
            (
                f"No coaching on {subject} is recorded in the last {config.coaching_lookback_days} "
                "days: coach first. A plan is not yet appropriate; it is never the first serious "
                "conversation.",
            ),
            (),
        )
    before = tuple(
        s for s in relevant if step.latest_gap_start is None or s.coached_on < step.latest_gap_start
    )
    history = _history(relevant)
    qualifies = _qualifies(before, config)
    if not qualifies:
        return LadderDecision(
            Recommendation.COACH,
            (
                history,
                f"A plan is not yet appropriate: it needs at least {config.pip_min_sessions} "
                f"coaching sessions on {subject} spread over at least "
                f"{config.pip_min_span_days // 7} weeks "
                f"before the gap persisted; {_shortfall(before, config)}. Keep coaching.",
            ),
            relevant,
        )
    not_closed = _not_closed(before, step)
    if step.kind is FindingKind.RUSHING or not step.below_floor:
        what = "rushing" if step.kind is FindingKind.RUSHING else "a gap to the team"
        return LadderDecision(
            Recommendation.TRAIN,
            (
                history,
                not_closed,
                f"A plan is not appropriate for {what}: it is reserved for a sustained gap "
                "below the SLA floor. Training is the next rung.",
            ),
            relevant,
        )
    if not CATALOG[step.metric].agent_controls:
        return LadderDecision(
            Recommendation.TRAIN,
            (
                history,
                not_closed,
                f"A plan is not appropriate: {wording.label(step.metric)} is not under the agent's "
                "control.",
            ),
            relevant,
        )
    return LadderDecision(
        Recommendation.PIP,
        (
            history,
            not_closed,
            "The gap is individual, sustained and below the SLA floor after documented coaching: a "
            "performance improvement plan is appropriate.",
        ),
        before,
    )


def _subject(step: LadderInput) -> str:
    label = wording.label(step.metric)
    if step.behaviours:
        return f"{label} or its behaviours ({', '.join(step.behaviours)})"
    return label


def _qualifies(sessions: Sequence[CoachingRecord], config: DiagnosisConfig) -> bool:
    if len(sessions) < config.pip_min_sessions:
        return False
    return (sessions[-1].coached_on - sessions[0].coached_on).days >= config.pip_min_span_days


def _shortfall(sessions: Sequence[CoachingRecord], config: DiagnosisConfig) -> str:
    if len(sessions) < config.pip_min_sessions:
        return f"{len(sessions)} such session{'s' if len(sessions) != 1 else ''} so far"
    days = (sessions[-1].coached_on - sessions[0].coached_on).days
    return f"{len(sessions)} sessions so far, over only {days} days"


def _history(sessions: Sequence[CoachingRecord]) -> str:
    dates = ", ".join(s.coached_on.isoformat() for s in sessions)
    count = len(sessions)
    return f"{count} coaching session{'s' if count != 1 else ''} on the same subject: {dates}."


def _not_closed(sessions: Sequence[CoachingRecord], step: LadderInput) -> str:
    return (
        f"The gap was still there after the last of them ({sessions[-1].coached_on}): the "
        f"latest period below the standard started {step.latest_gap_start}."
    )
