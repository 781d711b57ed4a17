"""Every change to feedback: do_<verb>_<noun>(…, *, actor). Atomic, authorised, audited.

    nominating ──open──▶ open ──close──▶ closed (results readable, under the thresholds)

Audit events of anonymous answers name the rater's completion, never the answer: the event is
written against the subject, with no sheet id. An anonymous continuous note is audited without
an actor and without the request id (the request could otherwise be joined to its author).
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.audit.concurrency import StaleEdit
from upswing.feedback import access, rules
from upswing.feedback.models import (
    AnonymousNote,
    AnonymousSheet,
    AttributedSheet,
    Completion,
    Cycle,
    CycleState,
    FeedbackNote,
    Nomination,
    NominationStatus,
    NoteKind,
    QuestionTemplate,
    Subject,
)
from upswing.feedback.rules import batches as batch_rules
from upswing.feedback.rules import questions as question_rules
from upswing.org.access import reach_of
from upswing.org.models import Agent, Membership, Role, RoleGrant, Team

_shuffler = random.SystemRandom()


class FeedbackRefused(ValueError):  # noqa: N818 - reads as "the action was refused"
    """The action is not allowed as things stand; nothing was written."""


def _role(actor) -> str:
    """The role a cycle's runner acts in, for the audit trail."""
    reach = reach_of(actor)
    if reach.is_admin:
        return Role.ADMIN
    if Role.TEAM_LEAD in reach.roles:
        return Role.TEAM_LEAD
    return Role.OPERATIONS_MANAGER


def _today() -> dt.date:
    return timezone.localdate()


def _locked(cycle: Cycle, expected_version: int | None) -> Cycle:
    fresh = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleEdit(Cycle, cycle.pk, expected_version)
    return fresh


def _bump(cycle: Cycle, **changes) -> Cycle:
    for name, value in changes.items():
        setattr(cycle, name, value)
    cycle.version += 1
    cycle.save()
    return cycle


def team_leads(team: Team) -> list:
    grants = RoleGrant.objects.filter(role=Role.TEAM_LEAD, team=team, user__is_active=True)
    return [g.user for g in grants.select_related("user").order_by("user_id")]


def leads_a_team(user) -> bool:
    return RoleGrant.objects.filter(user=user, role=Role.TEAM_LEAD, team__isnull=False).exists()


# --- cycles --------------------------------------------------------------------------------


def do_create_cycle(
    *,
    name: str,
    team: Team,
    template: QuestionTemplate,
    due_on: dt.date,
    actor,
    agents: list[Agent] | None = None,
    min_raters: int | None = None,
    min_commenters: int | None = None,
) -> Cycle:
    """A cycle for some agents of a team (all current members when `agents` is None), with
    self and manager nominations made and approved at once."""
    if not access.runs_team(actor, team):
        raise PermissionDenied("Only the team's lead or operations manager may start a cycle.")
    questions = question_rules.parse_questions(template.questions)
    if due_on < _today():
        raise FeedbackRefused("The due date is in the past.")
    members = Agent.objects.filter(
        memberships__team=team, memberships__end_date__isnull=True
    ).distinct()
    chosen = list(members if agents is None else members.filter(pk__in=[a.pk for a in agents]))
    if not chosen:
        raise FeedbackRefused("Choose at least one agent who is on the team today.")
    site = access.site_thresholds()
    for value, label in ((min_raters, "raters"), (min_commenters, "comments")):
        if value is not None and value < getattr(site, label):
            raise FeedbackRefused(
                f"A cycle may raise the threshold for {label}, not lower it below "
                f"{getattr(site, label)}."
            )
    with transaction.atomic():
        cycle = Cycle.objects.create(
            name=name.strip() or f"360 feedback for {team.name}",
            team=team,
            template=template,
            questions=[q.to_dict() for q in questions],
            due_on=due_on,
            min_raters=min_raters,
            min_commenters=min_commenters,
            created_by=actor,
        )
        leads = team_leads(team)
        for agent in chosen:
            subject = Subject.objects.create(cycle=cycle, agent=agent)
            if agent.user_id:
                _nominate(subject, agent.user, rules.RaterGroup.SELF, actor, approved=True)
            for lead in leads:
                if lead.pk != agent.user_id:
                    _nominate(subject, lead, rules.RaterGroup.MANAGER, actor, approved=True)
        record_event(
            actor=actor,
            role=_role(actor),
            action="feedback.cycle.create",
            obj=cycle,
            changes={"state": [None, cycle.state], "subjects": [None, len(chosen)]},
        )
    return cycle


def _nominate(subject: Subject, rater, group: str, actor, *, approved: bool) -> Nomination:
    status = NominationStatus.APPROVED if approved else NominationStatus.PROPOSED
    return Nomination.objects.create(
        subject=subject, rater=rater, group=group, status=status, proposed_by=actor
    )


def do_nominate_rater(subject: Subject, *, rater, group: str, actor) -> Nomination:
    """The lead nominates (approved at once); the subject proposes (the lead approves)."""
    cycle = subject.cycle
    runs = access.runs_cycle(actor, cycle)
    if not runs and not access.is_subject(actor, subject):
        raise PermissionDenied("Only the subject or the team's lead may nominate raters.")
    group = rules.RaterGroup(group)
    if cycle.state == CycleState.CLOSED:
        raise FeedbackRefused("The cycle is closed.")
    if group in (rules.RaterGroup.SELF, rules.RaterGroup.MANAGER):
        raise FeedbackRefused("Self and manager raters are nominated when the cycle starts.")
    if rater is None or not rater.is_active:
        raise FeedbackRefused("Choose an active user as the rater.")
    if rater.pk == subject.agent.user_id:
        raise FeedbackRefused("The subject answers as self, not as a peer or other.")
    if group == rules.RaterGroup.DIRECT_REPORT and not (
        subject.agent.user_id and leads_a_team(subject.agent.user)
    ):
        raise FeedbackRefused("Direct reports rate only a subject who leads a team.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                nomination = _nominate(subject, rater, group, actor, approved=runs)
        except IntegrityError:
            raise FeedbackRefused("That person is already nominated for this subject.") from None
        record_event(
            actor=actor,
            role=_role(actor) if runs else Role.AGENT,
            action="feedback.nominate",
            obj=nomination,
            changes={"status": [None, nomination.status], "group": [None, group]},
        )
    return nomination


def do_decide_nomination(nomination: Nomination, *, approve: bool, actor) -> Nomination:
    cycle = nomination.subject.cycle
    if not access.runs_cycle(actor, cycle):
        raise PermissionDenied("Only the team's lead or operations manager approves raters.")
    if cycle.state == CycleState.CLOSED:
        raise FeedbackRefused("The cycle is closed.")
    if Completion.objects.filter(subject=nomination.subject, rater=nomination.rater).exists():
        raise FeedbackRefused("This rater has answered already.")
    before = nomination.status
    nomination.status = NominationStatus.APPROVED if approve else NominationStatus.DECLINED
    with transaction.atomic():
        nomination.save(update_fields=["status"])
        record_event(
            actor=actor,
            role=_role(actor),
            action="feedback.nomination.decide",
            obj=nomination,
            changes={"status": [before, nomination.status]},
        )
    return nomination


def do_open_cycle(cycle: Cycle, *, actor, expected_version: int | None = None) -> Cycle:
    if not access.runs_cycle(actor, cycle):
        raise PermissionDenied("Only the team's lead or operations manager may open the cycle.")
    with transaction.atomic():
        cycle = _locked(cycle, expected_version)
        if cycle.state != CycleState.NOMINATING:
            raise FeedbackRefused("Only a cycle that is nominating raters can be opened.")
        approved = Nomination.objects.filter(subject__cycle=cycle, status=NominationStatus.APPROVED)
        if not approved.exists():
            raise FeedbackRefused("Approve at least one rater before opening the cycle.")
        _bump(cycle, state=CycleState.OPEN)
        record_event(
            actor=actor,
            role=_role(actor),
            action="feedback.cycle.open",
            obj=cycle,
            changes={"state": [CycleState.NOMINATING, CycleState.OPEN]},
        )
    return cycle


def do_close_cycle(cycle: Cycle, *, actor, expected_version: int | None = None) -> Cycle:
    """Close the cycle: no more answers; the results open, under the thresholds."""
    if not access.runs_cycle(actor, cycle):
        raise PermissionDenied("Only the team's lead or operations manager may close the cycle.")
    with transaction.atomic():
        cycle = _locked(cycle, expected_version)
        if cycle.state != CycleState.OPEN:
            raise FeedbackRefused("Only an open cycle can be closed.")
        Nomination.objects.filter(subject__cycle=cycle, status=NominationStatus.PROPOSED).update(
            status=NominationStatus.DECLINED
        )
        _bump(cycle, state=CycleState.CLOSED, closed_on=_today())
        record_event(
            actor=actor,
            role=_role(actor),
            action="feedback.cycle.close",
            obj=cycle,
            changes={"state": [CycleState.OPEN, CycleState.CLOSED]},
        )
    return cycle


# --- answers -------------------------------------------------------------------------------


def do_submit_answers(nomination: Nomination, *, answers: dict, actor) -> None:
    """Store one rater's answers. Anonymous groups: a sheet with no link to the rater, and the
    subject's sheets rewritten in a fresh random order; the completion is recorded apart."""
    if nomination.rater_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the nominated rater may answer this request.")
    subject = nomination.subject
    questions = question_rules.parse_questions(subject.cycle.questions)
    cleaned = question_rules.clean_answers(questions, answers)
    group = rules.RaterGroup(nomination.group)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=subject.cycle_id)
        if cycle.state != CycleState.OPEN:
            raise FeedbackRefused("The cycle is not open for answers.")
        nomination.refresh_from_db()
        if nomination.status != NominationStatus.APPROVED:
            raise FeedbackRefused("This request was withdrawn.")
        try:
            with transaction.atomic():
                Completion.objects.create(subject=subject, rater=actor, completed_on=_today())
        except IntegrityError:
            raise FeedbackRefused("You have answered for this person already.") from None
        if rules.GROUP_PRIVACY[group] == rules.Privacy.ANONYMOUS:
            AnonymousSheet.objects.create(subject=subject, group=group, answers=cleaned)
            _reshuffle_sheets(subject)
        else:
            AttributedSheet.objects.create(
                subject=subject, rater=actor, group=group, answers=cleaned
            )
        record_event(
            actor=actor,
            role=Role.AGENT if group == rules.RaterGroup.SELF else "",
            action="feedback.answer",
            obj=subject,
            changes={"completed": [False, True]},
        )


def _reshuffle_sheets(subject: Subject) -> None:
    """Rewrite the subject's anonymous sheets in a random order with new random ids."""
    rows = list(AnonymousSheet.objects.filter(subject=subject).values("group", "answers"))
    AnonymousSheet.objects.filter(subject=subject).delete()
    _shuffler.shuffle(rows)
    AnonymousSheet.objects.bulk_create(AnonymousSheet(subject=subject, **row) for row in rows)


# --- continuous notes ------------------------------------------------------------------------


def do_give_note(agent: Agent, *, text: str, kind: str, anonymous: bool, actor):
    """Continuous feedback for a colleague; anonymous notes keep only the month."""
    if not access.recipients_for(actor).filter(pk=agent.pk).exists():
        raise PermissionDenied("You may give feedback only to colleagues you work with.")
    text = text.strip()
    if not text:
        raise FeedbackRefused("Write the feedback before sending it.")
    kind = NoteKind(kind)
    with transaction.atomic():
        if not anonymous:
            note = FeedbackNote.objects.create(agent=agent, author=actor, kind=kind, text=text)
            record_event(
                actor=actor, action="feedback.note", obj=note, changes={"text": [None, "<given>"]}
            )
            return note
        month = batch_rules.month_of(_today())
        AnonymousNote.objects.create(agent=agent, month=month, kind=kind, text=text)
        _reshuffle_notes(agent, month)
        record_event(
            actor="anonymous",
            action="feedback.note.anonymous",
            obj=agent,
            changes={"anonymous_notes": [None, "<one more>"]},
            request_id="",
        )
    return None


def _reshuffle_notes(agent: Agent, month: dt.date) -> None:
    notes = AnonymousNote.objects.filter(agent=agent, month=month)
    rows = list(notes.values("kind", "text"))
    notes.delete()
    _shuffler.shuffle(rows)
    AnonymousNote.objects.bulk_create(
        AnonymousNote(agent=agent, month=month, **row) for row in rows
    )


def current_team(agent: Agent):
    membership = (
        Membership.objects.filter(agent=agent, end_date__isnull=True)
        .select_related("team")
        .order_by("-start_date")
        .first()
    )
    return membership.team if membership else None
