"""The tasks the queue runs. Each returns a small JSON summary, kept with the task's result.

A task's path (`upswing.jobs.tasks.<name>`) is stored with every queued run, so the tasks
stay here, where a run queued before an upgrade still finds them; the work behind each is a
feature's, registered from its `AppConfig.ready()` (`upswing.jobs.registry.register_work`),
so jobs imports no feature. Enqueue through `task.enqueue`; `upswing worker` runs them.
"""

from __future__ import annotations

from django_tasks import task

from upswing.jobs.registry import run_work


@task()
def import_upload(run_id: int) -> dict:
    """An upload of the imports page or the API: import it, then refresh what it touched."""
    return run_work(import_upload, run_id=run_id)


@task()
def refresh_scorecards(full: bool = False) -> dict:
    """Recompute the scorecards new data touched (all with `full`), then their diagnosis."""
    return run_work(refresh_scorecards, full=full)


@task()
def diagnose_programs() -> dict:
    """Diagnose every program as of today and store the findings (the coaching queues)."""
    return run_work(diagnose_programs)


@task()
def send_plan_nudges() -> dict:
    """Checkpoint reminders of active plans (never sent twice)."""
    return run_work(send_plan_nudges)


@task()
def send_governance_reports() -> dict:
    """Open the corrective action plans the breaches call for, then e-mail each program's
    monthly report to the client's users, once per month."""
    return run_work(send_governance_reports)


@task()
def pull_connector(name: str) -> dict:
    """Pull what changed in a helpdesk since its stored cursor, import it, then refresh."""
    return run_work(pull_connector, name=name)


@task()
def read_sources() -> dict:
    """Read the rows past each warehouse source's watermark, then refresh what they touched."""
    return run_work(read_sources)
