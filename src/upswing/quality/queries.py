"""Read-side selectors of the quality loop: what pages, the API and the CLI show.

Every number here is computed from stored evaluations and calibration marks by the rules;
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from upswing.org.models import Program
from upswing.quality.models import (
    CalibrationMark,
    CalibrationSession,
    CalibrationStatus,
    CriterionScore,
    Dispute,
    Evaluation,
    SampleStatus,
    TemplateVersion,
)
from upswing.quality.rules import calibration as cal
from upswing.quality.rules.disputes import DisputeFact, Outcome, dispute_analytics
from upswing.quality.rules.leniency import LeniencyConfig, Scored, estimate_leniency
from upswing.quality.rules.scorecard import Mark, score_evaluation
from upswing.quality.rules.signals import (
    CriterionMark,
    SignalConfig,
    recommend_team_training,
    window_of,
)
from upswing.words import person_name


def evaluations_with_marks(queryset):
    return queryset.select_related(
        "agent", "program", "team", "evaluator", "template_version__template"
    ).prefetch_related("marks", Prefetch("disputes", queryset=Dispute.objects.order_by("id")))


def queue_for(samples_qs):
    return samples_qs.filter(status=SampleStatus.OPEN).order_by("week_start", "agent__name", "pk")


def criteria_rows(evaluation: Evaluation) -> list[dict]:
    """Each criterion of the evaluation's template with its mark, comment and dispute."""
    template = evaluation.template_version.parsed()
    marks = {m.criterion: m for m in evaluation.marks.all()}
    disputes = {d.criterion: d for d in evaluation.disputes.all()}
    rows = []
    for section in template.sections:
        for c in section.criteria:
            mark = marks.get(c.key)
            points = mark.points if mark else None
            rows.append(
                {
                    "section": section.label,
                    "criterion": c,
                    "category": template.category_label(c.category) if c.category else "",
                    "points": points,
                    "na": points is None,
                    "met": points is not None and points >= c.max_points,
                    "comment": mark.comment if mark else "",
                    "dispute": disputes.get(c.key),
                }
            )
    return rows


# --- program summary -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramQa:
    evaluations: int
    mean: float | None
    first: dt.date
    last: dt.date
    criteria: list[dict]  # key, label, marks, missed, miss_rate


def program_qa(program: Program, first: dt.date, last: dt.date) -> ProgramQa:
    evaluations = Evaluation.objects.filter(
        program=program, interaction_day__gte=first, interaction_day__lte=last
    )
    scores = [s for s in evaluations.values_list("score", flat=True) if s is not None]
    marks = CriterionScore.objects.filter(evaluation__in=evaluations).select_related(
        "evaluation__template_version"
    )
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    labels: dict[str, str] = {}
    parsed: dict[int, object] = {}
    for m in marks:
        version = m.evaluation.template_version
        template = parsed.setdefault(version.pk, version.parsed())
        criterion = template.criterion(m.criterion)
        labels.setdefault(m.criterion, criterion.label)
        if m.points is None or criterion.bonus:
            continue
        tally[m.criterion][0] += 1
        tally[m.criterion][1] += m.points < criterion.max_points
    rows = [
        {
            "key": k,
            "label": labels[k],
            "marks": n,
            "missed": x,
            "miss_rate": 100.0 * x / n if n else None,
        }
        for k, (n, x) in sorted(tally.items(), key=lambda kv: -kv[1][1] / max(kv[1][0], 1))
    ]
    mean = math.fsum(scores) / len(scores) if scores else None
    return ProgramQa(len(scores), mean, first, last, rows)


def program_disputes(program: Program):
    disputes = Dispute.objects.filter(evaluation__program=program).select_related(
        "evaluation__evaluator"
    )
    facts = [
        DisputeFact(
            criterion=d.criterion,
            evaluator=_name(d.evaluation.evaluator),
            raised_at=d.raised_at,
            decided_at=d.decided_at,
            outcome=Outcome(d.outcome) if d.outcome else None,
        )
        for d in disputes
    ]
    evaluations = Evaluation.objects.filter(program=program)
    disputed = evaluations.filter(disputes__isnull=False).distinct().count()
    return dispute_analytics(facts, evaluations.count(), disputed)


def _name(user) -> str:
    """How a page names an in-app evaluator (never by a whole address)."""
    if user is None:
        return "(unknown)"
    return person_name(user.get_full_name(), user.get_username())


def _key(user) -> str:
    """An in-app evaluator's key in the leniency model: the full name or the user name, so a
    user whose user name is the address imported rows carry is one evaluator; pages name it
    with `org.people.names_by_address`."""
    if user is None:
        return "(unknown)"
    return user.get_full_name() or user.get_username()


# --- signals and training ------------------------------------------------------------------------


def criterion_marks(program: Program, as_of: dt.date, config: SignalConfig):
    """Every scored (not N/A) mark of the program in the signal's window and baseline, and
    the newest template version that cites each criterion."""
    window = window_of(as_of, config)
    marks = CriterionScore.objects.filter(
        evaluation__program=program,
        evaluation__interaction_day__gte=window.baseline_first,
        evaluation__interaction_day__lte=window.last,
        points__isnull=False,
    ).select_related("evaluation__template_version", "evaluation__agent", "evaluation__team")
    out: list[CriterionMark] = []
    versions: dict[str, TemplateVersion] = {}
    parsed: dict[int, object] = {}
    for m in marks:
        e = m.evaluation
        template = parsed.setdefault(e.template_version_id, e.template_version.parsed())
        criterion = template.criterion(m.criterion)
        if criterion.bonus:
            continue
        latest = versions.get(m.criterion)
        if latest is None or latest.created_at < e.template_version.created_at:
            versions[m.criterion] = e.template_version
        out.append(
            CriterionMark(
                evaluation_id=str(e.pk),
                agent_id=e.agent.code,
                team_id=e.team.code if e.team else "",
                criterion=m.criterion,
                category=criterion.category,
                day=e.interaction_day,
                missed=m.points < criterion.max_points,
            )
        )
    return out, versions


def team_training(program: Program, as_of: dt.date, config: SignalConfig = SignalConfig()):  # noqa: B008
    marks, versions = criterion_marks(program, as_of, config)
    window = window_of(as_of, config)
    labels = {}
    for version in versions.values():
        for category in version.parsed().categories:
            labels.setdefault(category.key, category.label)
    return recommend_team_training(marks, window), labels, window


# --- calibration ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalibrationResults:
    criteria: list[tuple[object, cal.Agreement]]  # (criterion, agreement)
    overall: cal.Agreement
    deviations: tuple[cal.Deviation, ...]
    scores: dict[str, dict[str, float | None]]  # evaluator -> item -> overall score
    reference: dict[str, float | None]


def calibration_results(session: CalibrationSession) -> CalibrationResults | None:
    """Agreement and deviations; None while the session is still blind."""
    if session.status == CalibrationStatus.SCORING:
        return None
    template = session.template_version.parsed()
    marks: dict[str, dict[tuple[str, str], float | None]] = defaultdict(dict)
    reference: dict[tuple[str, str], float | None] = {}
    rows = CalibrationMark.objects.filter(item__session=session).select_related("user")
    for m in rows:
        key = (str(m.item_id), m.criterion)
        if m.is_reference:
            reference[key] = m.points
        else:
            marks[_name(m.user)][key] = m.points
    overall = {e: _overall(template, rows_) for e, rows_ in marks.items()}
    ref_overall = _overall(template, reference) if reference else {}
    per_criterion = [
        (c, cal.agreement(c.label, cal.criterion_matrix(marks, c.key), cal.level_for(c.max_points)))
        for c in template.criteria
    ]
    return CalibrationResults(
        criteria=per_criterion,
        overall=cal.agreement("Overall score", overall, cal.overall_level()),
        deviations=cal.deviations(marks, reference, overall, ref_overall) if reference else (),
        scores=overall,
        reference=ref_overall,
    )


def _overall(template, marks: dict[tuple[str, str], float | None]) -> dict[str, float | None]:
    by_item: dict[str, dict[str, Mark]] = defaultdict(dict)
    for (item, criterion), points in marks.items():
        by_item[item][criterion] = Mark(points)
    return {item: score_evaluation(template, m).score for item, m in by_item.items()}


# --- leniency ------------------------------------------------------------------------------------


LENIENCY_WEEKS = 12


def leniency_rows(program: Program, *, imported: bool = True) -> list[Scored]:
    """Everyday evaluations (unit: the agent) — in-app and, over the last LENIENCY_WEEKS,
    imported ones with their evaluator — and calibration scores (unit: the item)."""
    rows = [
        Scored(f"agent:{code}", _key(evaluator), score, agent_id=code)
        for code, evaluator, score in (
            (e.agent.code, e.evaluator, e.score)
            for e in Evaluation.objects.filter(program=program, score__isnull=False).select_related(
                "agent", "evaluator"
            )
        )
    ]
    if imported:
        from django.utils import timezone

        from upswing.quality.warehouse_reads import imported_evaluator_scores

        last = timezone.localdate()
        first = last - dt.timedelta(weeks=LENIENCY_WEEKS)
        rows += [
            Scored(f"agent:{r['agent_id']}", r["evaluator"], r["score"], agent_id=r["agent_id"])
            for r in imported_evaluator_scores(program.code, first, last)
            if r["score"] is not None
        ]
    for session in CalibrationSession.objects.filter(program=program).exclude(
        status=CalibrationStatus.SCORING
    ):
        results = calibration_results(session)
        for evaluator, items in results.scores.items():
            for item, score in items.items():
                if score is not None:
                    rows.append(Scored(f"calibration:{session.pk}:{item}", evaluator, score))
    return rows


def program_leniency(program: Program, config: LeniencyConfig = LeniencyConfig()):  # noqa: B008
    return estimate_leniency(leniency_rows(program), config)


def open_samples_count(samples_qs) -> int:
    return samples_qs.filter(status=SampleStatus.OPEN).count()
