"""`upswing nudge`: reminders before each checkpoint and when one is overdue. Safe from cron.

Each nudge is a Notification with a unique key (kind, checkpoint, person), so however often
this runs, a person gets each nudge once. An overdue check-in is also sent to the lead's
manager and HR: a missed check-in is visible above the lead (principle 5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from upswing.plans import notify
from upswing.plans.models import Checkpoint, PlanState
from upswing.plans.rules.schedule import is_working_day

DUE_SOON_DAYS = 2


@dataclass(frozen=True, slots=True)
class NudgeReport:
    due: int
    overdue: int
    created: int

    def line(self) -> str:
        return (
            f"{self.created} new nudge(s): {self.due} checkpoint(s) coming up, "
            f"{self.overdue} overdue."
        )


def _local_day(now: dt.datetime, tz: str) -> dt.date:
    return now.astimezone(ZoneInfo(tz or "UTC")).date()


def _working_days_until(today: dt.date, due: dt.date) -> int:
    days, day = 0, today
    while day < due:
        day += dt.timedelta(days=1)
        days += is_working_day(day)
    return days


def send_nudges(*, now: dt.datetime | None = None) -> NudgeReport:
    now = now or timezone.now()
    open_checkpoints = Checkpoint.objects.filter(
        completed_at__isnull=True, cancelled=False, plan__state=PlanState.ACTIVE
    ).select_related("plan__agent", "plan__team", "plan__program__client")
    due = overdue = created = 0
    for checkpoint in open_checkpoints:
        plan = checkpoint.plan
        today = _local_day(now, plan.program.time_zone)
        if checkpoint.due_on < today:
            overdue += 1
            people = notify.lead_users(plan) + notify.manager_users(plan) + notify.hr_users(plan)
            kind = "checkpoint_overdue"
        elif _working_days_until(today, checkpoint.due_on) <= DUE_SOON_DAYS:
            due += 1
            people = notify.lead_users(plan) + notify.agent_users(plan)
            kind = "checkpoint_due"
        else:
            continue
        with transaction.atomic():
            for user in {u.pk: u for u in people}.values():
                key = f"{kind}:{checkpoint.pk}:{user.pk}"
                if notify.create(user, kind, plan, key, checkpoint) is not None:
                    created += 1
    return NudgeReport(due, overdue, created)
