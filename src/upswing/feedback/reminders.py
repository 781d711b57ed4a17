"""Feedback reminders, sent by `upswing nudge` beside the plan nudges. Safe from cron.

Each reminder has a unique key (kind, nomination or cycle, week), so however often the command
runs, a person gets it once: raters with an unanswered request three days before the due date
and once it is overdue; the team lead each week that proposals wait for approval. Messages
name the cycle and the person to give feedback to, never anyone's answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from upswing.feedback.actions import team_leads
from upswing.feedback.models import (
    Completion,
    Cycle,
    CycleState,
    Nomination,
    NominationStatus,
    Reminder,
)

DUE_SOON_DAYS = 3


@dataclass(frozen=True, slots=True)
class ReminderReport:
    due: int
    overdue: int
    approvals: int
    created: int

    def line(self) -> str:
        return (
            f"{self.created} new feedback reminder(s): {self.due} request(s) due soon, "
            f"{self.overdue} overdue, {self.approvals} cycle(s) with raters to approve."
        )


def send_feedback_reminders(*, now: dt.datetime | None = None) -> ReminderReport:
    today = timezone.localdate(now or timezone.now())
    due = overdue = approvals = created = 0
    for cycle in Cycle.objects.filter(state__in=[CycleState.NOMINATING, CycleState.OPEN]):
        if _proposals_waiting(cycle):
            approvals += 1
            week = today.isocalendar()
            for lead in team_leads(cycle.team):
                key = f"feedback_approve:{cycle.pk}:{week.year}-W{week.week:02d}:{lead.pk}"
                created += _remind(lead, cycle, key, f"Raters to approve for {cycle.name}")
        if cycle.state != CycleState.OPEN:
            continue
        for nomination in _unanswered(cycle):
            name = nomination.subject.agent.name
            if today > cycle.due_on:
                overdue += 1
                kind, line = "overdue", f"Overdue: feedback for {name} was due {cycle.due_on}"
            elif (cycle.due_on - today).days <= DUE_SOON_DAYS:
                due += 1
                kind, line = "due", f"Feedback for {name} is due {cycle.due_on}"
            else:
                continue
            key = f"feedback_{kind}:{nomination.pk}"
            created += _remind(nomination.rater, cycle, key, line)
    return ReminderReport(due, overdue, approvals, created)


def _proposals_waiting(cycle: Cycle) -> bool:
    return Nomination.objects.filter(
        subject__cycle=cycle, status=NominationStatus.PROPOSED
    ).exists()


def _unanswered(cycle: Cycle):
    done = set(Completion.objects.filter(subject__cycle=cycle).values_list("subject", "rater"))
    nominations = Nomination.objects.filter(
        subject__cycle=cycle, status=NominationStatus.APPROVED, rater__is_active=True
    ).select_related("rater", "subject__agent")
    return [n for n in nominations if (n.subject_id, n.rater_id) not in done]


def _remind(user, cycle: Cycle, key: str, line: str) -> int:
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                recipient=user, cycle=cycle, key=key[:120], subject_line=line[:200]
            )
            transaction.on_commit(lambda: _email(reminder.pk))
    except IntegrityError:
        return 0
    return 1


def _email(reminder_id: int) -> bool:
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if reminder.emailed_at is not None or not reminder.recipient.email:
        return False
    claimed = Reminder.objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    body = f"{reminder.subject_line}.\nOpen Upswing's Feedback page to answer or approve."
    send_mail(reminder.subject_line, body, settings.DEFAULT_FROM_EMAIL, [reminder.recipient.email])
    return True
