"""Lint rules on the statement, the calendar, the outcomes, the evidence and fairness."""

from __future__ import annotations

import re
from collections.abc import Iterator

from upswing.findings.rules.ladder import relevant_sessions
from upswing.metrics import CATALOG
from upswing.plans.rules import measures as m
from upswing.plans.rules.context import DiagnosisNote, LintContext
from upswing.plans.rules.problems import E, Problem, W
from upswing.plans.rules.terms import PlanTerms

SUBJECTIVE = (
    "attitude",
    "lazy",
    "not a team player",
    "unprofessional",
    "poor performance",
    "needs to improve",
    "lack of effort",
    "not committed",
    "always",
    "never",
)

# --- the problem statement ------------------------------------------------------------------

_WEEK = re.compile(r"\b\d{4}-W\d{2}\b")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_WINDOW = re.compile(
    rf"({_WEEK.pattern}|{_DATE.pattern}|\b({_MONTHS})\b|\b(last|past|previous)\s+\d+\s+"
    r"(weeks?|months?|days?)\b|\b\d+\s+of\s+the\s+last\s+\d+\s+(weeks?|months?)\b)",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\bn\s*=\s*\d+|\b\d+\s+(evaluations?|interactions?|contacts?|calls?|chats?|tickets?|"
    r"responses?|surveys?|cases?)\b",
    re.IGNORECASE,
)


def _subject_words(terms: PlanTerms, context: LintContext | None = None) -> set[str]:
    words = set()
    for code in CATALOG:
        words |= {code, CATALOG[code].label.lower(), m.label(code).lower()}
    for goal in terms.goals:
        if goal.behavior:
            words.add(goal.behavior.lower())
        if m.is_behaviour(goal.metric):
            words.add(m.behaviour_of(goal.metric).lower())
    # The behaviours (QA categories) the diagnosis named: data, never a fixed list here.
    for note in (context.diagnosis if context is not None else None) or ():
        words |= {b.lower() for b in note.behaviours}
    return {w for w in words if len(w) >= 2}


def vague_problem(terms: PlanTerms, context, config) -> Iterator[Problem]:
    text = terms.problem_statement
    lower = text.lower()
    subject = sorted(
        w for w in _subject_words(terms, context) if re.search(rf"\b{re.escape(w)}\b", lower)
    )
    window = _WINDOW.findall(text)
    numbers = re.findall(r"\d+(?:\.\d+)?", _DATE.sub(" ", _WEEK.sub(" ", text)))
    lacking = [
        what
        for what, present in (
            ("the metric or behaviour", subject),
            ("the window (weeks or dates)", window),
            ("the numbers (value, standard)", numbers),
        )
        if not present
    ]
    subjective = [w for w in SUBJECTIVE if re.search(rf"\b{re.escape(w)}\b", lower)]
    evidence = {
        "metric_or_behaviour": subject,
        "window": bool(window),
        "numbers": numbers[:6],
        "subjective_words": subjective,
    }
    if lacking:
        yield Problem(
            "vague-problem",
            E,
            "problem_statement",
            f"The problem statement lacks {', '.join(lacking)}. Write what was measured, over "
            'which weeks, against which standard, e.g. "QA 62% vs the SLA floor of 85% in 3 of '
            'the last 4 weeks (2026-W44 to 2026-W46, n=9 evaluations)".'
            + (f" Drop judgements of the person ({', '.join(subjective)})." if subjective else ""),
            evidence,
        )
        return
    if subjective:
        yield Problem(
            "vague-problem",
            W,
            "problem_statement",
            f"Describe behaviour and numbers, not the person: remove {', '.join(subjective)}.",
            evidence,
        )
    if not _COUNT.search(text):
        yield Problem(
            "vague-problem",
            W,
            "problem_statement",
            'Say how much evidence the numbers rest on, e.g. "n=38 evaluations".',
            evidence,
        )


# --- calendar and outcomes ------------------------------------------------------------------


def no_checkpoints(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if not terms.checkpoints:
        yield Problem(
            "no-checkpoints",
            E,
            "checkpoints",
            "Schedule a checkpoint every week of the plan, on working days, and a "
            "final review on its last working day.",
            {},
        )
        return
    start, end = terms.start_date, terms.end_date
    if start is None or end is None:
        yield Problem(
            "no-checkpoints",
            E,
            "start_date",
            "Give start_date and length_days so checkpoints can be placed.",
            {},
        )
        return
    days = sorted(terms.checkpoints)
    holidays = context.holidays if context is not None else frozenset()
    for d in days:
        if not start <= d <= end:
            yield Problem(
                "no-checkpoints",
                E,
                f"checkpoints ({d})",
                f"{d} is outside the plan ({start} to {end}).",
                {},
            )
        elif d.weekday() >= 5 or d in holidays:
            yield Problem(
                "no-checkpoints",
                W,
                f"checkpoints ({d})",
                f"{d} is not a working day; move it to the working day before.",
                {},
            )
    gaps = [
        (a, b)
        for a, b in zip([start, *days], [*days, end], strict=True)
        if (b - a).days > config.max_checkpoint_gap_days
    ]
    for a, b in gaps:
        yield Problem(
            "no-checkpoints",
            E if (b - a).days > 21 else W,
            f"checkpoints ({a}..{b})",
            f"{(b - a).days} days pass between {a} and {b} without a checkpoint; "
            "check in every week.",
            {"gap_days": (b - a).days},
        )


def no_outcome_criteria(terms: PlanTerms, context, config) -> Iterator[Problem]:
    outcomes = terms.outcomes
    missing = [
        name
        for name in ("success", "partial", "none")
        if outcomes is None or not getattr(outcomes, name)
    ]
    if missing:
        yield Problem(
            "no-outcome-criteria",
            E,
            "outcomes",
            f"Say in advance what decides the outcome; missing: {', '.join(missing)}. "
            "Success: the target met in at least 3 of the last 4 weeks; partial: an "
            "extension with updated goals; none: a decision on role change or exit.",
            {"missing": missing},
        )
    elif not re.search(r"\d", outcomes.success):
        yield Problem(
            "no-outcome-criteria",
            W,
            "outcomes.success",
            'Put numbers in the success criterion (e.g. "in at least 3 of the last 4 '
            'weeks"), so a burst before the review date is not read as recovery.',
            {},
        )


# --- evidence and fairness ------------------------------------------------------------------


def no_evidence(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if not terms.evidence:
        yield Problem(
            "no-evidence",
            E,
            "evidence",
            "List the evidence the plan rests on: the scorecard weeks, the evaluations "
            "or interactions, and the coaching already given.",
            {},
        )
    if not terms.standards:
        yield Problem(
            "no-evidence",
            E,
            "standards",
            "Name the standard missed: metric, SLA floor or KPI target, and its source "
            '(e.g. "QA criteria v3").',
            {},
        )
    for i, standard in enumerate(terms.standards):
        if not standard.source:
            yield Problem(
                "no-evidence",
                W,
                f"standards[{i}]",
                "Say where the standard comes from (contract clause, QA criteria version).",
                {},
            )
        if standard.sla_floor is None and standard.kpi_target is None:
            yield Problem(
                "no-evidence",
                E,
                f"standards[{i}]",
                "Give the SLA floor or KPI target as a number.",
                {},
            )
    if context is not None and context.diagnosis is not None:
        gaps = [
            n
            for n in context.diagnosis
            if n.metric in _plan_metrics(terms) and n.kind in ("sustained_gap", "rushing")
        ]
        if not gaps:
            yield Problem(
                "no-evidence",
                E,
                "standards",
                "The latest diagnosis shows no sustained gap on "
                f"{', '.join(_plan_metrics(terms)) or 'the plan metrics'}; a plan needs "
                "one. Coach or monitor instead.",
                {"findings": [n.metric for n in context.diagnosis]},
            )


def _plan_metrics(terms: PlanTerms) -> tuple[str, ...]:
    codes = ["qa" if m.is_behaviour(c) else c for c in terms.metrics]
    return tuple(dict.fromkeys(codes))


def _notes(terms: PlanTerms, context: LintContext | None) -> list[DiagnosisNote]:
    if context is None or context.diagnosis is None:
        return []
    metrics = _plan_metrics(terms)
    return [n for n in context.diagnosis if n.metric in metrics]


def systemic_cause(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if context is None or context.diagnosis is None:
        yield Problem(
            "systemic-cause",
            W,
            "plan",
            "Could not check the cause: no diagnosis for this agent. Run `upswing diagnose` first.",
            {},
        )
        return
    for note in _notes(terms, context):
        if note.cause in ("systemic", "context") or note.recommendation == "process_fix":
            yield Problem(
                "systemic-cause",
                E,
                f"metric {note.metric}",
                f"The diagnosis of {note.as_of} finds the {m.label(note.metric)} gap {note.cause}"
                f" (recommendation: {note.recommendation}): fix the process or the work mix, "
                "not the person. A plan is not appropriate.",
                {"finding": note.ref, "cause": note.cause, "reasons": list(note.reasons)},
            )


def no_prior_coaching(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if context is None or context.coaching is None:
        yield Problem(
            "no-prior-coaching",
            W,
            "plan",
            "Could not check prior coaching: no coaching records for this agent.",
            {},
        )
        return
    cfg = config.diagnosis
    before = terms.start_date or context.as_of
    behaviours = tuple(m.behaviour_of(g.metric) or g.behavior for g in terms.goals)
    sessions: dict[str, object] = {}
    for metric in _plan_metrics(terms):
        if metric in CATALOG:
            for s in relevant_sessions(context.coaching, metric, behaviours, before, cfg):
                if s.coached_on < before:
                    sessions[s.session_id] = s
    found = sorted(sessions.values(), key=lambda s: s.coached_on)
    span = (found[-1].coached_on - found[0].coached_on).days if found else 0
    evidence = {
        "sessions": [s.session_id for s in found],
        "dates": [str(s.coached_on) for s in found],
        "span_days": span,
    }
    if len(found) < cfg.pip_min_sessions or span < cfg.pip_min_span_days:
        yield Problem(
            "no-prior-coaching",
            E,
            "plan",
            f"A plan is never the first serious conversation: it needs at least "
            f"{cfg.pip_min_sessions} coaching sessions on the same metric or behaviour over at "
            f"least {cfg.pip_min_span_days // 7} weeks before it starts; found {len(found)}"
            + (f" over {span} days" if found else "")
            + ". Coach first.",
            evidence,
        )
