"""The tasks the queue runs. Each returns a small JSON summary, kept with the task's result.

Enqueue through `upswing.jobs.queue.enqueue` (or `task.enqueue`); `upswing worker` runs them.
"""

from __future__ import annotations

from django_tasks import task


@task()
def import_upload(run_id: int) -> dict:
    """An upload of the imports page or the API: import it, then refresh what it touched."""
    from upswing.imports.jobs import run_import_job

    run = run_import_job(run_id)
    return {"run_id": run.pk, "status": run.status}


@task()
def refresh_scorecards(full: bool = False) -> dict:
    """Recompute the scorecards new data touched (all with `full`), then their diagnosis."""
    from upswing.findings.refresh import refresh_and_diagnose

    result = refresh_and_diagnose(full=full)
    return {
        "programs": list(result.scope.programs),
        "rows_written": result.rows_written,
        "findings": result.findings,
    }


@task()
def diagnose_programs() -> dict:
    """Diagnose every program as of today and store the findings (the coaching queues)."""
    from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis

    result = run_diagnosis(DiagnosisScope(), store=True)
    return {"findings": len(result.findings), "stored": result.stored}


@task()
def send_plan_nudges() -> dict:
    """Checkpoint reminders of active plans (never sent twice)."""
    from upswing.plans.nudges import send_nudges

    report = send_nudges()
    return {"created": report.created, "due": report.due, "overdue": report.overdue}


@task()
def send_governance_reports() -> dict:
    """Open the corrective action plans the breaches call for, then e-mail each program's
    monthly report to the client's users, once per month."""
    from upswing.governance.mailing import send_monthly_reports
    from upswing.governance.plan_actions import do_open_due_plans

    plans = do_open_due_plans()
    report = send_monthly_reports()
    return {"plans_opened": len(plans), "programs": report.programs, "sent": report.sent}


@task()
def pull_connector(name: str) -> dict:
    """Pull what changed in a helpdesk since its stored cursor, import it, then refresh."""
    from upswing.connectors.service import pull

    outcome = pull(name)
    if outcome.rows:
        refresh_scorecards.enqueue(full=False)
    return outcome.as_dict()
