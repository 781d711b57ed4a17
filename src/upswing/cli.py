"""The `upswing` command: set up, import, refresh, read scorecards, run the demo and the app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from upswing.boot import home, setup_django

EXIT_REJECTED = 2
EXIT_BUSY = 75  # EX_TEMPFAIL: the warehouse is busy; the same command works later


class _Upswing(click.Group):
    """A warehouse that stays busy past the wait is a message, not a traceback."""

    def invoke(self, ctx):
        from upswing.warehouse.lock import WarehouseBusy

        try:
            return super().invoke(ctx)
        except WarehouseBusy as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Upswing, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Upswing: KPI scorecards, fair diagnosis and improvement plans for contact centers.

    All state lives under $UPSWING_HOME (default ./var).
    """
    from upswing.audit.cli import act_as_cli

    act_as_cli()


@main.command()
def init() -> None:
    """Create or migrate the operational database and the warehouse (safe to repeat)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from upswing.warehouse.connection import open_warehouse

    call_command("migrate", interactive=False, verbosity=0)
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL):
        pass
    click.echo(f"Upswing is ready in {home()}")


def _import_epilog() -> str:
    from upswing.ingest.kinds import describe_kinds

    return describe_kinds()


@main.command(name="import", epilog=_import_epilog())
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--source",
    help="where the rows come from; names an adapter (zendesk, genesys, freshdesk) when one exists",
)
@click.option(
    "--map",
    "mapping",
    type=click.Path(path_type=Path),
    help="a TOML column mapping for any other export (see docs/import.md)",
)
@click.option(
    "--time-zone",
    "time_zone",
    help="roster: the IANA zone (e.g. Europe/Lisbon) of programs the file gives none for",
)
@click.option(
    "--dates-from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="earliest plausible date of a timestamp (default 2000-01-01)",
)
@click.option(
    "--dates-until",
    type=click.DateTime(["%Y-%m-%d"]),
    help="latest plausible date of a timestamp (default tomorrow)",
)
@click.option("--kind", "inspect_kind", help="with `inspect`: the kind to propose a mapping for")
def import_command(
    kind: str,
    file: Path,
    source: str | None,
    mapping: Path | None,
    time_zone: str | None,
    dates_from,
    dates_until,
    inspect_kind: str | None,
) -> None:
    """Import FILE as KIND: roster, interactions, surveys, qa, coaching, events, targets or
    contracts.

    The whole file is validated first; on any bad row nothing is written.
    `upswing import inspect FILE [--kind KIND]` reads an export and prints a proposed
    mapping (TOML) to review and pass with --map.
    """
    if kind == "inspect":
        from upswing.ingest.commands import inspect_command

        sys.exit(inspect_command(file, inspect_kind, echo=click.echo))
    setup_django()
    from upswing.ingest.commands import date_range
    from upswing.ingest.service import (
        ImportRejected,
        WarehouseBusyError,
        format_problems,
        import_file,
    )

    try:
        with _progress(file) as step:
            result = import_file(
                kind,
                file,
                source=source,
                mapping_path=mapping,
                progress=step,
                time_zone=time_zone,
                dates=date_range(dates_from, dates_until),
            )
    except ImportRejected as exc:
        for line in format_problems(exc):
            click.echo(line, err=True)
        sys.exit(EXIT_REJECTED)
    except WarehouseBusyError as exc:
        click.echo(f"{file.name}: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{result.file_name}: {result.rows_read} {result.kind} rows from {result.source}: "
        f"{result.inserted} new, {result.updated} updated, {result.unchanged} unchanged"
        + (f" (read as {result.read_as})" if result.read_as else "")
    )


def _progress(file: Path):
    from upswing.clitools import progress_steps

    return progress_steps(file)


@main.command()
@click.option("--full", is_flag=True, help="recompute every period, not just the touched ones")
@click.option(
    "--no-diagnose", is_flag=True, help="skip re-running the diagnosis of the refreshed programs"
)
def refresh(full: bool, no_diagnose: bool) -> None:
    """Recompute scorecards from the warehouse, then the findings of what changed."""
    setup_django()
    from upswing.findings.refresh import refresh_and_diagnose

    result = refresh_and_diagnose(full=full, diagnose=not no_diagnose)
    for outcome in result.sources:  # the warehouse sources read before the refresh
        click.echo(f"Source {outcome.describe()}")
        for line in outcome.problems:
            click.echo(f"  {line}")
    if not result.scope.programs:
        click.echo("Nothing to refresh: no new data since the last refresh (use --full to force).")
        return
    span = (
        "all periods"
        if result.scope.since is None
        else (f"{result.scope.since} to {result.scope.until}")
    )
    click.echo(
        f"Refreshed {', '.join(result.scope.programs)} ({span}): "
        f"{result.rows_written} scorecard values."
        + ("" if result.findings is None else f" Diagnosis: {result.findings} findings stored.")
    )


@main.command()
@click.option("--agent", "agent")
@click.option("--team", "team")
@click.option("--program", "program")
@click.option(
    "--period",
    help="2026-W44, 2026-10, a range of them 2026-07..2026-09, a quarter 2026-Q3 or custom "
    "days 2026-08-01..2026-09-14 (default: latest week)",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def scorecard(agent, team, program, period, fmt) -> None:
    """Show the scorecard of one agent, team or program for a period."""
    chosen = [(lvl, v) for lvl, v in (("agent", agent), ("team", team), ("program", program)) if v]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --agent, --team or --program")
    setup_django()
    from upswing.clitools import render_scorecard, resolve_scorecard

    level, entity = chosen[0]
    try:
        label, lines = resolve_scorecard(level, entity, period)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(render_scorecard(level, entity, label, lines, fmt))


@main.command()
@click.option("--seed", default=7, show_default=True)
@click.option("--as-of", "as_of", help="last day of the demo (default: last Sunday)")
@click.option("--out", type=click.Path(path_type=Path), help="where to write the demo files")
def demo(seed: int, as_of: str | None, out: Path | None) -> None:
    """Generate the demo data set and load it through the normal import path."""
    setup_django()
    from upswing.clitools import run_demo

    run_demo(seed=seed, as_of=as_of, out=out, echo=click.echo)


@main.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True)
@click.option("--no-worker", is_flag=True, help="do not start a job-queue worker beside it")
def serve(addr: str, no_worker: bool) -> None:
    """Run the web app and a job-queue worker (development server; see docs/deploy.md)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from upswing.jobs.serve import worker_beside

    with worker_beside(enabled=settings.UPSWING_SERVE_WORKER and not no_worker):
        call_command("runserver", addr, use_reloader=False)


def json_dumps(data: object) -> str:
    return json.dumps(data, indent=2, default=str)


def _register_feature_commands() -> None:
    """Feature folders may ship their own command groups (e.g. performance/cli.py)."""
    import importlib

    for module_name in (
        "upswing.findings.cli",
        "upswing.plans.cli",
        "upswing.api.cli",
        "upswing.jobs.cli",
        "upswing.audit.cli",
        "upswing.backup.cli",
        "upswing.privacy.cli",
        "upswing.governance.cli",
        "upswing.sources.cli",
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register_feature_commands()
from upswing.feedback.cli import feedback as _feedback  # noqa: E402 - a feature's group

main.add_command(_feedback)
main.add_command(__import__("upswing.quality.cli", fromlist=["qa"]).qa)  # `upswing qa …`

if __name__ == "__main__":
    main()
