"""The outcome of a plan, decided on sustained data (principle 6).

Each goal, and each standard's floor, is read over the last weeks of the plan: success needs
the target met in at least 3 of the last 4 weeks, so a burst in the final one or two weeks is
not recovery. A goal short of that but well on its way is partial progress: the plan is
extended by 30 days with goals updated to the latest values. No progress despite documented
support leaves the decision between role change and exit to people, who record the reason.
A week without data is a gap, never skipped.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from upswing.periods import week_of
from upswing.plans.rules import measures as m
from upswing.plans.rules.measures import WeekValue
from upswing.plans.rules.schedule import EXTENSION_DAYS, goal_due_day
from upswing.plans.rules.terms import Goal, GoalKind, PlanTerms


class Verdict(enum.StrEnum):
    SUCCESS = "success"
    EXTEND = "extend"
    DECIDE = "decide"  # no progress despite support: role change or exit, decided by people


class Progress(enum.StrEnum):
    SUSTAINED = "sustained"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class OutcomeConfig:
    final_weeks: int = 4
    weeks_met: int = 3
    partial_share: float = 0.5  # half the way from baseline to target counts as progress
    min_checkpoint_share: float = 0.75  # support counts as delivered at 3 of 4 checkpoints
    max_extensions: int = 1


@dataclass(frozen=True, slots=True)
class Blocker:
    week_start: dt.date
    kind: str  # workload_spike, system_issue, absence, other
    description: str


@dataclass(frozen=True, slots=True)
class SupportRecord:
    """What the plan's checkpoints show about the support the agent was given."""

    checkpoints_due: int
    checkpoints_completed: int
    checkpoints_on_time: int
    coaching_notes: int
    blockers: tuple[Blocker, ...] = ()
    extensions: int = 0


@dataclass(frozen=True, slots=True)
class TargetReview:
    label: str  # "goals[0]" or "standards[0]"
    metric: str
    baseline: float | None
    target: float
    weeks: tuple[WeekValue, ...]  # the final weeks, oldest first, gaps included
    met: tuple[bool, ...]
    progress: Progress
    recent: float | None
    burst: bool
    excused_weeks: int
    reason: str

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "metric": self.metric,
            "baseline": self.baseline,
            "target": self.target,
            "weeks": [
                {"week": week_of(w.week_start).label, "value": w.value, "n": w.n, "met": met}
                for w, met in zip(self.weeks, self.met, strict=True)
            ],
            "progress": self.progress.value,
            "recent": self.recent,
            "burst": self.burst,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Review:
    verdict: Verdict
    as_of: dt.date
    targets: tuple[TargetReview, ...]
    reasons: tuple[str, ...]
    options: tuple[str, ...] = ()
    extension: dict | None = field(default=None)

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict.value,
            "options": list(self.options),
            "reasons": list(self.reasons),
            "targets": [t.to_dict() for t in self.targets],
            "extension": self.extension,
        }


def final_weeks(terms: PlanTerms, as_of: dt.date, count: int) -> tuple[dt.date, ...]:
    """Starts of the last `count` complete weeks of the plan, on or before `as_of`."""
    assert terms.start_date is not None
    assert terms.end_date is not None
    last_day = min(terms.end_date, as_of)
    week = week_of(last_day).start
    if last_day < week + dt.timedelta(days=6) and last_day != terms.end_date:
        week -= dt.timedelta(weeks=1)  # the current week is not complete yet
    first = week_of(terms.start_date).start
    out = []
    while len(out) < count and week >= first:
        out.append(week)
        week -= dt.timedelta(weeks=1)
    return tuple(reversed(out))


def review_plan(
    terms: PlanTerms,
    as_of: dt.date,
    series: Mapping[str, Sequence[WeekValue]],
    support: SupportRecord,
    config: OutcomeConfig | None = None,
) -> Review:
    config = config or OutcomeConfig()
    weeks = final_weeks(terms, as_of, config.final_weeks)
    blocked = {b.week_start for b in support.blockers}
    targets = [
        _review_target(
            f"goals[{i}]",
            g.metric,
            g.baseline,
            g.target,
            g.kind,
            weeks,
            series.get(g.metric, ()),
            blocked,
            config,
        )
        for i, g in enumerate(terms.goals)
        if g.target is not None
    ]
    for i, s in enumerate(terms.standards):
        if s.sla_floor is not None:
            baseline = next((g.baseline for g in terms.goals if g.metric == s.metric), None)
            targets.append(
                _review_target(
                    f"standards[{i}]",
                    s.metric,
                    baseline,
                    s.sla_floor,
                    GoalKind.HOLD if baseline is None else GoalKind.IMPROVE,
                    weeks,
                    series.get(s.metric, ()),
                    blocked,
                    config,
                )
            )
    return _decide(terms, as_of, tuple(targets), support, config)


def _review_target(label, metric, baseline, target, kind, weeks, values, blocked, config):
    by_week = {w.week_start: w for w in values}
    window = tuple(by_week.get(w, WeekValue(w, None)) for w in weeks)
    met = tuple(w.value is not None and m.meets(metric, w.value, target) for w in window)
    recent, _ = m.pooled(metric, window)
    count = sum(met)
    tail = met[-2:]
    burst = count < config.weeks_met and any(tail) and not any(met[:-2])
    excused = sum(
        1 for w, ok in zip(window, met, strict=True) if not ok and w.week_start in blocked
    )
    if count >= min(config.weeks_met, len(window)) and window:
        progress = Progress.SUSTAINED
    elif _partial(metric, baseline, target, recent, count, burst, kind, config):
        progress = Progress.PARTIAL
    else:
        progress = Progress.NONE
    reason = _target_sentence(label, metric, target, window, met, recent, baseline, progress, burst)
    return TargetReview(
        label, metric, baseline, target, window, met, progress, recent, burst, excused, reason
    )


def _partial(metric, baseline, target, recent, count, burst, kind, config) -> bool:
    if burst or count >= 2:
        return True
    if recent is None or baseline is None or kind is GoalKind.HOLD:
        return False
    needed = m.improvement(metric, baseline, target)
    return needed > 0 and m.improvement(metric, baseline, recent) >= config.partial_share * needed


def _target_sentence(label, metric, target, window, met, recent, baseline, progress, burst):
    name = m.label(metric)
    missing = sum(w.value is None for w in window)
    text = (
        f"{name} ({label}) met {m.fmt(metric, target)} in {sum(met)} of the last {len(window)} "
        f"weeks of the plan ({_weeks_text(metric, window, met)})"
    )
    if recent is not None:
        text += f", {m.fmt(metric, recent)} over those weeks"
        if baseline is not None:
            text += f" against a baseline of {m.fmt(metric, baseline)}"
    if missing:
        text += f"; {missing} week{'s' if missing > 1 else ''} without data count as not met"
    if burst:
        text += (
            "; it was met only in the final weeks, and a burst before the review date is not "
            "recovery"
        )
    verdict = {
        Progress.SUSTAINED: "sustained",
        Progress.PARTIAL: "partial progress",
        Progress.NONE: "no progress",
    }[progress]
    return f"{text}: {verdict}."


def _weeks_text(metric, window, met) -> str:
    return ", ".join(
        f"{week_of(w.week_start).label} {m.fmt(metric, w.value)}{' ✓' if ok else ''}"
        for w, ok in zip(window, met, strict=True)
    )


def _decide(terms, as_of, targets, support: SupportRecord, config) -> Review:
    reasons = [t.reason for t in targets]
    reasons += _blocker_sentences(support)
    if not targets:
        return Review(
            Verdict.EXTEND,
            as_of,
            targets,
            (*reasons, "The plan has no target to review; extend it with measurable goals."),
            extension=_extension(terms, targets),
        )
    if all(t.progress is Progress.SUSTAINED for t in targets):
        return Review(
            Verdict.SUCCESS,
            as_of,
            targets,
            (
                *reasons,
                "Every goal and standard was "
                f"met in at least {config.weeks_met} of the last {config.final_weeks} weeks: "
                "the improvement is sustained. Close the plan as successful.",
            ),
        )
    support_line, delivered = _support_sentence(support, config)
    reasons.append(support_line)
    excused = [
        t
        for t in targets
        if t.progress is not Progress.SUSTAINED and sum(t.met) + t.excused_weeks >= config.weeks_met
    ]
    progressed = any(t.progress is not Progress.NONE for t in targets)
    if progressed or excused or not delivered:
        if excused:
            reasons.append(
                "Weeks with recorded blockers account for the shortfall on "
                f"{', '.join(t.label for t in excused)}: weigh them before deciding."
            )
        if support.extensions >= config.max_extensions:
            reasons.append(
                f"The plan was already extended {support.extensions} time(s): "
                "whether to extend again, change role or exit is for people to "
                "decide, with the reason recorded."
            )
            return Review(
                Verdict.DECIDE,
                as_of,
                targets,
                tuple(reasons),
                ("extend", "role_change", "exit"),
                _extension(terms, targets),
            )
        why = (
            (
                "Partial progress: extend the plan by "
                f"{EXTENSION_DAYS} days with goals updated to the latest values."
            )
            if progressed
            else (
                "The support was not delivered as planned, so no progress cannot be held "
                f"against the agent: extend by {EXTENSION_DAYS} days and deliver it."
            )
        )
        reasons.append(why)
        return Review(
            Verdict.EXTEND, as_of, targets, tuple(reasons), extension=_extension(terms, targets)
        )
    reasons.append(
        "No progress despite the documented support: people decide between a role "
        "change and exit, and record the reason."
    )
    return Review(Verdict.DECIDE, as_of, targets, tuple(reasons), ("role_change", "exit"))


def _support_sentence(support: SupportRecord, config) -> tuple[str, bool]:
    due = support.checkpoints_due
    share = support.checkpoints_completed / due if due else 0.0
    delivered = due > 0 and share >= config.min_checkpoint_share and support.coaching_notes > 0
    text = (
        f"Support: {support.checkpoints_completed} of {due} checkpoints completed "
        f"({support.checkpoints_on_time} on time), {support.coaching_notes} with coaching notes"
    )
    return text + (
        "; the support is documented."
        if delivered
        else "; the support is not documented as delivered."
    ), delivered


def _blocker_sentences(support: SupportRecord) -> list[str]:
    if not support.blockers:
        return []
    listed = "; ".join(
        f"{week_of(b.week_start).label} {b.kind.replace('_', ' ')}: {b.description}"
        for b in support.blockers
    )
    return [f"{len(support.blockers)} blocker(s) recorded at checkpoints, to weigh: {listed}."]


def extended_terms(terms: PlanTerms, targets: Sequence[TargetReview]) -> PlanTerms:
    """The plan extended by 30 days, each goal's baseline updated to its latest value."""
    from upswing.plans.rules.schedule import plan_phases, weekly_checkpoints

    assert terms.start_date is not None
    assert terms.length_days
    by_label = {t.label: t for t in targets}
    length = terms.length_days + EXTENSION_DAYS
    goals = tuple(
        _updated_goal(g, by_label.get(f"goals[{i}]"), terms.length_days, length)
        for i, g in enumerate(terms.goals)
    )
    new_checkpoints = tuple(
        d for d in weekly_checkpoints(terms.start_date, length) if d > terms.end_date
    )
    kept = tuple(d for d in terms.checkpoints if d <= terms.end_date)
    return replace(
        terms,
        goals=goals,
        length_days=length,
        checkpoints=kept + new_checkpoints,
        phases=plan_phases(terms.start_date, length),
    )


def _updated_goal(goal: Goal, review: TargetReview | None, old_length: int, length: int) -> Goal:
    due = max(goal.due_day or 0, old_length + goal_due_day(EXTENSION_DAYS))
    baseline = goal.baseline
    kind = goal.kind
    if review is not None and review.recent is not None:
        baseline = round(review.recent, 1)
        if goal.target is not None and m.meets(goal.metric, baseline, goal.target):
            kind = GoalKind.HOLD  # reached: the extension asks to keep it there
    return replace(goal, baseline=baseline, due_day=min(due, length), kind=kind)


def _extension(terms: PlanTerms, targets) -> dict | None:
    if terms.start_date is None or not terms.length_days:
        return None
    return extended_terms(terms, targets).to_dict()
