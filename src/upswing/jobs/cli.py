"""`upswing worker` and `upswing jobs …` (see upswing.cli._register_feature_commands)."""

from __future__ import annotations

import os

import click


def _setup() -> None:
    from upswing.boot import setup_django

    setup_django()


@click.command()
@click.option("--batch", is_flag=True, help="run what is queued now, then exit")
@click.option("--no-schedule", is_flag=True, help="do not enqueue the scheduled jobs")
@click.option("--interval", default=1.0, show_default=True, help="seconds between queue checks")
@click.option(
    "--exit-with-parent", type=int, hidden=True, help="stop when this process (serve) ends"
)
def worker(batch: bool, no_schedule: bool, interval: float, exit_with_parent: int | None) -> None:
    """Run the job queue: uploads, refreshes, diagnoses, connector pulls, reminders.

    `upswing serve` starts one beside the web server; run more, on any host sharing the
    database, for more throughput (the warehouse still has one writer at a time).
    """
    import signal

    if exit_with_parent:
        from upswing.jobs.limits import die_with_parent

        die_with_parent(exit_with_parent, signal.SIGTERM)
    _setup()
    from upswing.jobs.worker import Worker

    runner = Worker(interval=interval, batch=batch, run_schedule=not no_schedule)
    click.echo(f"Worker {runner.worker_id} (pid {os.getpid()}) is waiting for tasks.")
    ran = runner.run()
    click.echo(f"Worker {runner.worker_id} stopped after {ran} task(s).")


@click.group()
def jobs() -> None:
    """The job queue: what is scheduled, what ran, and running a job now."""


@jobs.command(name="schedule")
def show_schedule() -> None:
    """List the scheduled jobs (UPSWING_SCHEDULE) and whether each is configured."""
    _setup()
    from upswing.jobs.registry import scheduled_jobs
    from upswing.jobs.schedule import configured_entries

    known = scheduled_jobs()
    for entry in configured_entries():
        state = "" if known[entry.name].configured() else "  (off: not configured)"
        click.echo(f"{entry.name:<16} {entry.describe()}{state}")


@jobs.command(name="run")
@click.argument("name")
def run_now(name: str) -> None:
    """Queue job NAME now (a worker runs it): refresh, diagnose, nudge, governance_reports,
    pull_zendesk, pull_freshdesk."""
    _setup()
    from upswing.jobs.registry import scheduled_jobs

    known = scheduled_jobs()
    if name not in known:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(known)}", param_hint="NAME")
    result = known[name].enqueue()
    click.echo(f"Queued {name}: task {result.id}")


@jobs.command(name="list")
@click.option("--limit", default=20, show_default=True)
def list_tasks(limit: int) -> None:
    """The latest tasks, newest first, with their outcome."""
    _setup()
    from upswing.jobs.queries import recent_tasks

    for row in recent_tasks(limit):
        click.echo(
            f"{row.enqueued_at:%Y-%m-%d %H:%M}  {row.status_label:<22} {row.label}"
            + (f" — {row.message}" if row.message else "")
        )


COMMANDS = (worker, jobs)
