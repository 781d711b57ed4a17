"""Calibration and SOP-signal actions: do_<verb>_<noun>(…, *, actor), atomic and audited.

Blind calibration: the facilitator opens a session on some interactions and invites
evaluators (the client's too); each scores every interaction on the session's template
version without seeing anyone else's scores; the facilitator reveals the scores once everyone
submitted (or decides to reveal with those who did), then records the reference the group
agreed, after which each evaluator's deviation from it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.org.models import Agent, Program
from upswing.quality import access
from upswing.quality.models import (
    CalibrationItem,
    CalibrationMark,
    CalibrationParticipant,
    CalibrationSession,
    CalibrationStatus,
    CriterionScore,
    SopSignal,
    TemplateVersion,
)
from upswing.quality.rules.scorecard import Mark, check_marks
from upswing.quality.rules.signals import SignalConfig, detect_sop_signals


class CalibrationRefused(ValueError):  # noqa: N818 - reads as "the action was refused"
    pass


def _user(actor):
    return actor if hasattr(actor, "is_authenticated") else None


def do_open_calibration(
    *,
    program: Program,
    version: TemplateVersion,
    title: str,
    interactions: list[tuple[str, str]],  # (interaction_id, recording_url)
    participants: list,
    actor,
) -> CalibrationSession:
    if not access.may_facilitate(actor, program):
        raise PermissionDenied("Only a QA analyst or operations manager of this program may.")
    if version.template.program_id != program.pk:
        raise CalibrationRefused("The template belongs to another program.")
    if len(interactions) < 1:
        raise CalibrationRefused("Choose at least one interaction to calibrate on.")
    if len({u.pk for u in participants}) < 2:
        raise CalibrationRefused("Invite at least two evaluators: agreement needs two.")
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            program=program, template_version=version, title=title.strip(), facilitator=_user(actor)
        )
        for interaction_id, url in interactions:
            agent = _agent_of(program, interaction_id)
            CalibrationItem.objects.create(
                session=session, interaction_id=interaction_id, recording_url=url, agent=agent
            )
        for user in {u.pk: u for u in participants}.values():
            CalibrationParticipant.objects.create(session=session, user=user)
        record_event(
            actor=actor,
            action="quality.calibration.open",
            obj=session,
            changes={
                "items": [None, len(interactions)],
                "participants": [None, len(participants)],
            },
        )
    return session


def _agent_of(program: Program, interaction_id: str) -> Agent | None:
    """The agent of an evaluated interaction of the program, when Upswing knows it."""
    mark = (
        CriterionScore.objects.filter(
            evaluation__program=program, evaluation__interaction_id=interaction_id
        )
        .select_related("evaluation__agent")
        .first()
    )
    return mark.evaluation.agent if mark else None


def participant_users(session: CalibrationSession):
    return (
        get_user_model()
        .objects.filter(pk__in=session.participants.values("user_id"))
        .order_by("username")
    )


def do_submit_calibration(
    session: CalibrationSession,
    *,
    marks: Mapping[int, Mapping[str, float | None]],  # item pk -> criterion -> points
    actor,
) -> None:
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        participant = session.participants.filter(user_id=getattr(actor, "pk", None)).first()
        if participant is None:
            raise PermissionDenied("Only an invited evaluator scores in this session.")
        if session.status != CalibrationStatus.SCORING:
            raise CalibrationRefused("The scores were revealed: scoring is closed.")
        if participant.submitted_at is not None:
            raise CalibrationRefused("You already submitted your scores for this session.")
        _write_marks(session, marks, user=actor, is_reference=False)
        participant.submitted_at = timezone.now()
        participant.save(update_fields=["submitted_at"])
        record_event(actor=actor, action="quality.calibration.submit", obj=session)


def _write_marks(session, marks, *, user, is_reference: bool) -> None:
    template = session.template_version.parsed()
    items = {item.pk: item for item in session.items.all()}
    if set(marks) != set(items):
        raise CalibrationRefused("Score every interaction of the session.")
    for pk, by_criterion in marks.items():
        problems = check_marks(template, {k: Mark(v) for k, v in by_criterion.items()})
        if problems:
            raise CalibrationRefused(f"Interaction {items[pk].interaction_id}: {problems[0]}")
    CalibrationMark.objects.bulk_create(
        CalibrationMark(
            item=items[pk],
            user=None if is_reference else user,
            is_reference=is_reference,
            criterion=criterion,
            points=points,
        )
        for pk, by_criterion in marks.items()
        for criterion, points in by_criterion.items()
    )


def _require_facilitator(session: CalibrationSession, actor) -> None:
    if not access.may_facilitate(actor, session.program):
        raise PermissionDenied("Only the program's QA analysts or operations managers may.")


def do_reveal_calibration(session: CalibrationSession, *, actor) -> None:
    _require_facilitator(session, actor)
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if session.status != CalibrationStatus.SCORING:
            raise CalibrationRefused("The scores are already revealed.")
        submitted = session.participants.filter(submitted_at__isnull=False).count()
        if submitted < 2:
            raise CalibrationRefused(
                f"{submitted} evaluator(s) submitted; agreement needs at least two."
            )
        session.status, session.revealed_at = CalibrationStatus.REVEALED, timezone.now()
        session.save(update_fields=["status", "revealed_at"])
        record_event(
            actor=actor,
            action="quality.calibration.reveal",
            obj=session,
            changes={"status": [CalibrationStatus.SCORING, CalibrationStatus.REVEALED]},
        )


def do_record_reference(
    session: CalibrationSession, *, marks: Mapping[int, Mapping[str, float | None]], actor
) -> None:
    _require_facilitator(session, actor)
    with transaction.atomic():
        session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
        if session.status != CalibrationStatus.REVEALED:
            raise CalibrationRefused("Reveal the scores before recording the agreed reference.")
        _write_marks(session, marks, user=None, is_reference=True)
        session.status, session.closed_at = CalibrationStatus.CLOSED, timezone.now()
        session.save(update_fields=["status", "closed_at"])
        record_event(
            actor=actor,
            action="quality.calibration.reference",
            obj=session,
            changes={"status": [CalibrationStatus.REVEALED, CalibrationStatus.CLOSED]},
        )


# --- SOP signals -------------------------------------------------------------------------------


def do_check_sop_signals(
    program: Program,
    *,
    as_of: dt.date,
    actor,
    config: SignalConfig = SignalConfig(),  # noqa: B008 - frozen
) -> list[SopSignal]:
    """Run the SOP-review rule on the program's evaluations; store the signals it raises."""
    if not (access.is_system(actor) or access.may_facilitate(actor, program)):
        raise PermissionDenied("Only the program's QA analysts or operations managers may.")
    from upswing.quality.queries import criterion_marks

    marks, versions = criterion_marks(program, as_of, config)
    found = detect_sop_signals(marks, as_of, config)
    created = []
    with transaction.atomic():
        for signal in found:
            version = versions[signal.criterion]
            criterion = version.parsed().criterion(signal.criterion)
            obj, made = SopSignal.objects.get_or_create(
                program=program,
                criterion=signal.criterion,
                window_first=signal.window.first,
                defaults=_signal_fields(signal, version, criterion),
            )
            if made:
                created.append(obj)
                record_event(
                    actor=actor,
                    action="quality.signal.raise",
                    obj=obj,
                    changes={"criterion": [None, signal.criterion]},
                    reason=obj.summary,
                )
    return created


def _signal_fields(signal, version, criterion) -> dict:
    return {
        "template_version": version,
        "criterion_label": criterion.label,
        "sop_reference": criterion.sop.reference if criterion.sop else "",
        "sop_version": criterion.sop.version if criterion.sop else "",
        "window_last": signal.window.last,
        "summary": signal.sentence(criterion.label),
        "evidence": {
            "window": [str(signal.window.first), str(signal.window.last)],
            "baseline_from": str(signal.window.baseline_first),
            "window_misses": signal.window_misses,
            "window_marks": signal.window_marks,
            "baseline_misses": signal.baseline_misses,
            "baseline_marks": signal.baseline_marks,
            "z": round(signal.z, 2),
            "agents": list(signal.agents),
            "teams": list(signal.teams),
            "agents_evaluated": signal.agents_evaluated,
            "evaluations": list(signal.evaluations),
        },
    }
