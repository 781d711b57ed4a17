"""Who hears about a plan, and the in-app inbox rows (emailed after the change commits)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from upswing.org.models import Role
from upswing.plans.models import Checkpoint, Notification, NotificationKind, Plan

SUBJECTS = {
    "plan_to_review": "Plan for {agent} waiting for HR review",
    "plan_returned": "Plan for {agent} returned with comments",
    "plan_shared": "Your performance plan is ready to read and acknowledge",
    "plan_active": "Plan for {agent} is active",
    "plan_closed": "Plan for {agent} is closed",
    "checkpoint_due": "Check-in for {agent}'s plan on {due}",
    "checkpoint_overdue": "Overdue: check-in for {agent}'s plan was due {due}",
}


def _users(q: Q) -> list:
    return list(get_user_model().objects.filter(q, is_active=True).distinct().order_by("pk"))


def _grant_q(plan: Plan, role: str, *, team: bool) -> Q:
    scope = Q(role_grants__program=plan.program) | Q(role_grants__client=plan.program.client)
    if team:
        scope |= Q(role_grants__team=plan.team)
    return Q(role_grants__role=role) & scope


def lead_users(plan: Plan) -> list:
    return _users(_grant_q(plan, Role.TEAM_LEAD, team=True))


def manager_users(plan: Plan) -> list:
    return _users(_grant_q(plan, Role.OPERATIONS_MANAGER, team=False))


def hr_users(plan: Plan) -> list:
    return _users(_grant_q(plan, Role.HR, team=False))


def agent_users(plan: Plan) -> list:
    user = plan.agent.user
    return [user] if user is not None and user.is_active else []


def compose(kind: str, plan: Plan, checkpoint: Checkpoint | None = None) -> tuple[str, str]:
    due = checkpoint.due_on.isoformat() if checkpoint else ""
    subject = SUBJECTS[kind].format(agent=plan.agent.name, due=due)
    lines = [
        f"{subject}.",
        f"Plan {plan.pk}: {plan.agent.name} ({plan.agent.code}), team {plan.team.name}, "
        f"state {plan.get_state_display().lower()}.",
    ]
    if checkpoint is not None:
        lines.append(f"Checkpoint {checkpoint.number} is due {due}.")
    lines.append("Open Upswing to see the plan; this message holds no plan details.")
    return subject, "\n".join(lines)


def create(
    recipient, kind: str, plan: Plan, key: str, checkpoint: Checkpoint | None = None
) -> Notification | None:
    """The inbox row, once per key (None when it exists already); emailed after commit."""
    subject, body = compose(kind, plan, checkpoint)
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient,
                kind=NotificationKind(kind),
                plan=plan,
                checkpoint=checkpoint,
                key=key[:120],
                subject=subject,
                body=body,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: email(note.pk))
    return note


def email(notification_id: int) -> bool:
    """Send one notification by email unless it was sent already (or the person has none)."""
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    if note.emailed_at is not None or not note.recipient.email:
        return False
    claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False  # another run claimed it first: never the same email twice
    send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
    return True


def plan_event(plan: Plan, kind: str, recipients) -> None:
    for user in {u.pk: u for u in recipients}.values():
        create(user, kind, plan, f"{kind}:{plan.pk}:{plan.version}:{user.pk}")


def inbox(user):
    """The user's notifications, newest first (the in-app inbox)."""
    return Notification.objects.filter(recipient=user).select_related("plan__agent")


def mark_read(user, notification_id: int) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification_id, recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
    )
