"""Every change in the quality loop: do_<verb>_<noun>(…, *, actor). Atomic, authorised by the
action itself, and audited in the same transaction.

Templates: an edit to a version that scored anything (an evaluation or a calibration) makes
the next version; an unused version is corrected in place. A new version that cites a new SOP
version for a criterion closes that criterion's open SOP-review signals (done: the SOP changed).

Evaluations: the score is computed here by `rules.scorecard`, never taken from the form; it
changes afterwards only through an arbitrator's decision on a dispute (`do_decide_dispute`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.audit.concurrency import StaleEdit, save_if_unchanged
from upswing.org.models import Agent, Membership, Program, Team
from upswing.quality import access
from upswing.quality.models import (
    CalibrationSession,
    CriterionScore,
    Dispute,
    Evaluation,
    EvaluationStatus,
    SampleItem,
    SampleStatus,
    ScorecardTemplate,
    SignalStatus,
    SopSignal,
    TemplateVersion,
)
from upswing.quality.rules import disputes as dispute_rules
from upswing.quality.rules.sampling import Candidate, SamplingPolicy, draw_sample
from upswing.quality.rules.scorecard import Mark, parse_template, score_evaluation, sop_changes

__all__ = ["QualityActionRefused", "StaleEdit"]


class QualityActionRefused(ValueError):  # noqa: N818 - reads as "the action was refused"
    """The action is not allowed in the record's current state; nothing was written."""


def _audit(*, actor, action: str, obj, changes: dict | None = None, reason: str = "", role=""):
    record_event(
        actor=actor, role=role, action=action, obj=obj, changes=changes or {}, reason=reason
    )


def team_on(agent: Agent, day: dt.date) -> Team | None:
    membership = Membership.objects.on(day).filter(agent=agent).select_related("team").first()
    return membership.team if membership else None


# --- templates ---------------------------------------------------------------------------------


def _require_template_editor(actor, program: Program) -> None:
    if not (access.is_system(actor) or access.may_facilitate(actor, program)):
        raise PermissionDenied(
            "Only a QA analyst or operations manager of this program may edit its scorecards."
        )


def do_create_template(
    *, program: Program, name: str, channel: str, definition: dict, actor
) -> ScorecardTemplate:
    _require_template_editor(actor, program)
    template_rules = parse_template({**definition, "name": name})
    with transaction.atomic():
        template = ScorecardTemplate.objects.create(
            program=program, name=name, channel=channel, created_by=_user(actor)
        )
        TemplateVersion.objects.create(
            template=template,
            number=1,
            definition={**definition, "name": name},
            change_note="first version",
            created_by=_user(actor),
        )
        _audit(
            actor=actor,
            action="quality.template.create",
            obj=template,
            changes={"version": [None, 1], "criteria": [None, len(template_rules.criteria)]},
        )
    return template


def version_in_use(version: TemplateVersion) -> bool:
    return (
        Evaluation.objects.filter(template_version=version).exists()
        or CalibrationSession.objects.filter(template_version=version).exists()
    )


def do_edit_template(
    template: ScorecardTemplate, *, definition: dict, change_note: str, expected_number: int, actor
) -> TemplateVersion:
    """The template's criteria changed: a new version when the current one is in use."""
    _require_template_editor(actor, template.program)
    new_rules = parse_template({**definition, "name": template.name})
    with transaction.atomic():
        current = (
            TemplateVersion.objects.select_for_update()
            .filter(template=template)
            .order_by("-number")
        ).first()
        if current.number != expected_number:
            raise StaleEdit(TemplateVersion, current.pk, expected_number)
        changed = sop_changes(current.parsed(), new_rules)
        body = {**definition, "name": template.name}
        if version_in_use(current):
            version = TemplateVersion.objects.create(
                template=template,
                number=current.number + 1,
                definition=body,
                change_note=change_note,
                created_by=_user(actor),
            )
            action = "quality.template.new_version"
        else:
            current.definition, current.change_note = body, change_note
            current.save(update_fields=["definition", "change_note"])
            version, action = current, "quality.template.correct"
        _audit(
            actor=actor,
            action=action,
            obj=version,
            changes={"number": [current.number, version.number]},
            reason=change_note,
        )
        _close_signals_for_sop_changes(template, version, changed, actor)
    return version


def _close_signals_for_sop_changes(template, version, changed, actor) -> None:
    if not changed:
        return
    signals = SopSignal.objects.filter(
        program=template.program, status=SignalStatus.OPEN, criterion__in=list(changed)
    ).select_for_update()
    for signal in signals:
        old, new = changed[signal.criterion]
        note = f"{old.label()} → {new.label() if new else 'no SOP cited'} in {version}"
        signal.status, signal.done_at, signal.done_note = SignalStatus.DONE, timezone.now(), note
        signal.save(update_fields=["status", "done_at", "done_note"])
        _audit(
            actor=actor,
            action="quality.signal.done",
            obj=signal,
            changes={"status": [SignalStatus.OPEN, SignalStatus.DONE]},
            reason=note,
        )


def _user(actor):
    return actor if hasattr(actor, "is_authenticated") else None


# --- sampling ----------------------------------------------------------------------------------


def do_draw_sample(
    *,
    program: Program,
    rows: list[dict],
    policy: SamplingPolicy = SamplingPolicy(),  # noqa: B008 - frozen
    actor,
) -> list[SampleItem]:
    """Queue the sample the rules draw from `rows` (warehouse.quality.qa_sample_candidates)."""
    if not (access.is_system(actor) or access.may_evaluate(actor, program)):
        raise PermissionDenied("Only a QA analyst of this program may draw its sample.")
    agents = {a.code: a for a in Agent.objects.filter(code__in={r["agent_id"] for r in rows})}
    candidates = [_candidate(r) for r in rows if r["agent_id"] in agents]
    queued = SampleItem.objects.filter(program=program).values_list("source", "interaction_id")
    scored = Evaluation.objects.filter(program=program).values_list("source", "interaction_id")
    choices = draw_sample(candidates, policy, exclude=frozenset(queued) | frozenset(scored))
    days = {(c.source, c.interaction_id): c for c in candidates}
    with transaction.atomic():
        items = []
        for choice in choices:
            c = days[(choice.source, choice.interaction_id)]
            agent = agents[choice.agent_id]
            items.append(
                SampleItem.objects.create(
                    program=program,
                    agent=agent,
                    team=team_on(agent, c.local_date),
                    source=c.source,
                    interaction_id=c.interaction_id,
                    channel=c.channel,
                    interaction_day=c.local_date,
                    week_start=choice.week_start,
                    reason=choice.reason,
                )
            )
        _audit(
            actor=actor,
            action="quality.sample.draw",
            obj=program,
            changes={"queued": [None, len(items)]},
            reason=f"quota {policy.per_agent_per_week} per agent and week",
        )
    return items


def _candidate(r: dict) -> Candidate:
    return Candidate(
        source=r["source"],
        interaction_id=r["interaction_id"],
        agent_id=r["agent_id"],
        local_date=r["local_date"],
        channel=r.get("channel") or "",
        handle_seconds=r.get("handle_seconds"),
        csat=r.get("csat"),
        escalated=bool(r.get("escalated")),
        reopened=bool(r.get("reopened")),
    )


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarkInput:
    points: float | None  # None: N/A
    comment: str = ""


def current_version_for(program: Program, channel: str) -> TemplateVersion | None:
    """The newest version of the program's template for the channel (else any channel)."""
    versions = TemplateVersion.objects.filter(template__program=program).select_related("template")
    exact = versions.filter(template__channel=channel).order_by("-created_at", "-number").first()
    return exact or versions.filter(template__channel="").order_by("-created_at", "-number").first()


def do_score_evaluation(
    *,
    version: TemplateVersion,
    agent: Agent,
    program: Program,
    interaction_id: str,
    interaction_day: dt.date,
    marks: Mapping[str, MarkInput],
    actor,
    source: str = "upswing",
    sample: SampleItem | None = None,
    recording_url: str = "",
    summary: str = "",
    evaluated_at: dt.datetime | None = None,
) -> Evaluation:
    access.require_evaluator(actor, program, agent)
    result = score_evaluation(version.parsed(), {k: Mark(m.points) for k, m in marks.items()})
    with transaction.atomic():
        if sample is not None:
            sample = SampleItem.objects.select_for_update().get(pk=sample.pk)
            if sample.status != SampleStatus.OPEN:
                raise QualityActionRefused("This interaction was already scored or skipped.")
        evaluation = Evaluation.objects.create(
            template_version=version,
            program=program,
            agent=agent,
            team=team_on(agent, interaction_day),
            sample=sample,
            source=source,
            interaction_id=interaction_id,
            interaction_day=interaction_day,
            recording_url=recording_url,
            evaluator=_user(actor),
            score=result.score,
            first_score=result.score,
            before_critical=result.before_critical,
            failed_critical=list(result.failed_critical),
            summary=summary,
            evaluated_at=evaluated_at or timezone.now(),
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(evaluation=evaluation, criterion=k, points=m.points, comment=m.comment)
            for k, m in marks.items()
        )
        if sample is not None:
            sample.status = SampleStatus.SCORED
            sample.save(update_fields=["status"])
        _audit(
            actor=actor,
            action="quality.evaluation.score",
            obj=evaluation,
            changes={"score": [None, result.score], "template_version": [None, str(version)]},
        )
    return evaluation


def do_skip_sample(sample: SampleItem, *, reason: str, actor) -> None:
    access.require_evaluator(actor, sample.program, sample.agent)
    if not reason.strip():
        raise QualityActionRefused("Say why the interaction is skipped.")
    with transaction.atomic():
        rows = SampleItem.objects.filter(pk=sample.pk, status=SampleStatus.OPEN).update(
            status=SampleStatus.SKIPPED
        )
        if not rows:
            raise QualityActionRefused("This interaction was already scored or skipped.")
        _audit(actor=actor, action="quality.sample.skip", obj=sample, reason=reason)


# --- the agent's side --------------------------------------------------------------------------


def do_acknowledge_evaluation(evaluation: Evaluation, *, expected_version: int, actor) -> None:
    if not access.is_evaluated_agent(actor, evaluation):
        raise PermissionDenied("Only the evaluated agent acknowledges an evaluation.")
    if evaluation.status != EvaluationStatus.SUBMITTED:
        raise QualityActionRefused("This evaluation is already acknowledged or disputed.")
    with transaction.atomic():
        now = timezone.now()
        save_if_unchanged(
            Evaluation,
            evaluation.pk,
            expected_version,
            status=EvaluationStatus.ACKNOWLEDGED,
            acknowledged_at=now,
        )
        _audit(
            actor=actor,
            action="quality.evaluation.acknowledge",
            obj=evaluation,
            changes={"status": [evaluation.status, EvaluationStatus.ACKNOWLEDGED]},
        )


def do_raise_dispute(
    evaluation: Evaluation, *, criterion: str, reason: str, expected_version: int, actor
) -> Dispute:
    if not access.is_evaluated_agent(actor, evaluation):
        raise PermissionDenied("Only the evaluated agent may dispute an evaluation.")
    if evaluation.status not in (EvaluationStatus.SUBMITTED, EvaluationStatus.DISPUTED):
        raise QualityActionRefused(
            "This evaluation was acknowledged or its disputes decided: it can no longer be "
            "disputed."
        )
    template = evaluation.template_version.parsed()
    if criterion not in {c.key for c in template.criteria}:
        raise QualityActionRefused("Choose a criterion of this evaluation to dispute.")
    if not reason.strip():
        raise QualityActionRefused("Give the reason for the dispute.")
    if evaluation.disputes.filter(criterion=criterion).exists():
        raise QualityActionRefused("This criterion is already disputed.")
    with transaction.atomic():
        save_if_unchanged(
            Evaluation, evaluation.pk, expected_version, status=EvaluationStatus.DISPUTED
        )
        mark = evaluation.marks.get(criterion=criterion)
        dispute = Dispute.objects.create(
            evaluation=evaluation,
            criterion=criterion,
            reason=reason.strip(),
            raised_by=_user(actor),
            points_before=mark.points,
            score_before=evaluation.score,
        )
        _audit(
            actor=actor,
            action="quality.dispute.raise",
            obj=dispute,
            changes={"criterion": [None, criterion]},
        )
    return dispute


def do_decide_dispute(
    dispute: Dispute,
    *,
    outcome: str,
    note: str,
    partial_points: float | None = None,
    actor,
) -> Dispute:
    """The arbitrator's decision: the criterion's points, then the score by the rules."""
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update().select_related("evaluation").get(pk=dispute.pk)
        )
        evaluation = Evaluation.objects.select_for_update().get(pk=dispute.evaluation_id)
        if not access.may_arbitrate(actor, evaluation):
            raise PermissionDenied(
                "Only a QA analyst or operations manager of the program who did not score "
                "this evaluation may decide the dispute."
            )
        if not dispute.is_open:
            raise QualityActionRefused("This dispute is already decided.")
        if not note.strip():
            raise QualityActionRefused("Explain the decision to the agent.")
        decided = dispute_rules.Outcome(outcome)
        template = evaluation.template_version.parsed()
        mark = evaluation.marks.get(criterion=dispute.criterion)
        try:
            points = dispute_rules.decided_points(
                decided,
                mark.points,
                template.criterion(dispute.criterion).max_points,
                partial_points,
            )
        except dispute_rules.DecisionRefused as exc:
            raise QualityActionRefused(str(exc)) from exc
        marks = {m.criterion: Mark(m.points) for m in evaluation.marks.all()}
        marks[dispute.criterion] = Mark(points)
        result = score_evaluation(template, marks)
        mark.points = points
        mark.save(update_fields=["points"])
        still_open = evaluation.disputes.filter(outcome="").exclude(pk=dispute.pk).exists()
        save_if_unchanged(
            Evaluation,
            evaluation.pk,
            evaluation.version,
            score=result.score,
            before_critical=result.before_critical,
            failed_critical=list(result.failed_critical),
            status=EvaluationStatus.DISPUTED if still_open else EvaluationStatus.RESOLVED,
        )
        dispute.outcome, dispute.decision_note = decided.value, note.strip()
        dispute.points_after, dispute.score_after = points, result.score
        dispute.decided_by, dispute.decided_at = _user(actor), timezone.now()
        dispute.save()
        _audit(
            actor=actor,
            action="quality.dispute.decide",
            obj=dispute,
            changes={
                "outcome": ["", decided.value],
                "points": [dispute.points_before, points],
                "score": [evaluation.score, result.score],
            },
            reason=note.strip(),
        )
    return dispute
