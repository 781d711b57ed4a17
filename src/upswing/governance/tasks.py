"""Governance's side of the job queue, registered with upswing.jobs from apps.py: the monthly
corrective action plans and reports, and their scheduled job `governance_reports`."""

from __future__ import annotations


def send_governance_reports() -> dict:
    """Open the corrective action plans the breaches call for, then e-mail each program's
    monthly report to the client's users, once per month."""
    from upswing.governance.mailing import send_monthly_reports
    from upswing.governance.plan_actions import do_open_due_plans

    plans = do_open_due_plans()
    report = send_monthly_reports()
    return {"plans_opened": len(plans), "programs": report.programs, "sent": report.sent}


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import Work, register_scheduled, register_work

    register_work(tasks.send_governance_reports, Work(send_governance_reports))
    register_scheduled("governance_reports", tasks.send_governance_reports.enqueue)
