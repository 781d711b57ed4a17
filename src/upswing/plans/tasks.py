"""The plans' side of the job queue, registered with upswing.jobs from apps.py: checkpoint
reminders, and their scheduled job `nudge`."""

from __future__ import annotations


def send_plan_nudges() -> dict:
    """Checkpoint reminders of active plans (never sent twice)."""
    from upswing.plans.nudges import send_nudges

    report = send_nudges()
    return {"created": report.created, "due": report.due, "overdue": report.overdue}


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import Work, register_scheduled, register_work

    label = lambda a, k: "Plan checkpoint reminders"  # noqa: E731
    register_work(tasks.send_plan_nudges, Work(send_plan_nudges, label))
    register_scheduled("nudge", tasks.send_plan_nudges.enqueue)
