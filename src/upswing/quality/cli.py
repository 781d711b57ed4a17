"""`upswing qa …`: calibration results, evaluator leniency, the weekly sample and SOP signals.

Imported when the CLI starts, before Django is set up: nothing here touches models at import.
The CLI is the operator's tool: it reads without a user's scope; its writes are audited as "cli".
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

EXIT_PROBLEMS = 1


def _setup() -> None:
    from upswing.boot import setup_django

    setup_django()


def _program(code: str):
    from upswing.org.models import Program

    program = Program.objects.filter(code=code).first()
    if program is None:
        raise click.BadParameter(f"no program {code!r}", param_hint="--program")
    return program


FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@click.group()
def qa() -> None:
    """QA: calibration agreement, evaluator leniency, sampling and SOP signals."""


@qa.command()
@click.argument("session_id", type=int)
@FORMAT
def calibrate(session_id: int, fmt: str) -> None:
    """Agreement (Krippendorff's alpha, ICC) and deviations of calibration SESSION."""
    _setup()
    from upswing.quality.models import CalibrationSession
    from upswing.quality.reports import calibration_report

    session = CalibrationSession.objects.select_related("program").filter(pk=session_id).first()
    if session is None:
        raise click.BadParameter(f"no calibration session {session_id}", param_hint="SESSION")
    report = calibration_report(session)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(_calibration_text(report))
    if report["results"] is None:
        click.echo("The session is still blind: reveal it to see agreement.", err=True)
        sys.exit(EXIT_PROBLEMS)


def _calibration_text(r: dict) -> str:
    lines = [f"Calibration {r['id']} {r['title']!r} ({r['program_id']}, {r['template_version']})"]
    lines.append(f"  {r['status']}: {r['submitted']} of {r['evaluators']} evaluators submitted")
    if r["results"]:
        lines.append("  " + r["results"]["overall"]["sentence"])
        lines += ["  " + c["sentence"] for c in r["results"]["criteria"]]
        for d in r["results"]["deviations"]:
            lines.append(
                f"  {d['evaluator']}: {d['matched']} of {d['compared']} marks as the reference, "
                f"mean score gap {d['mean_score_gap']}"
            )
    return "\n".join(lines)


@qa.command()
@click.option("--program", "program_code", required=True, help="the program's code")
@FORMAT
def leniency(program_code: str, fmt: str) -> None:
    """Each evaluator's severity, and agents scored mostly by an outlier evaluator."""
    _setup()
    from upswing.quality.reports import leniency_report

    report = leniency_report(_program(program_code))
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"Evaluator severity in {report['program_id']} ({report['evaluations']} scores)")
    click.echo(f"  model: {report['model']}")
    for e in report["evaluators"]:
        click.echo("  " + e["sentence"])
    for a in report["agents"]:
        if a["flagged"]:
            click.echo(
                f"  {a['agent_id']}: {100 * a['outlier_share']:.0f}% of {a['evaluations']} "
                f"evaluations by outliers; raw QA {a['raw_qa']}, adjusted {a['adjusted_qa']}"
            )


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date; write YYYY-MM-DD") from None


@qa.command()
@click.option("--program", "program_code", required=True)
@click.option("--week", "week", help="any day of the week to sample (default: last week)")
def sample(program_code: str, week: str | None) -> None:
    """Draw a week's QA sample from the warehouse into the QA analysts' queue."""
    _setup()
    from django.utils import timezone

    from upswing.quality import warehouse_reads
    from upswing.quality.actions import do_draw_sample

    program = _program(program_code)
    day = _day(week) or timezone.localdate() - dt.timedelta(days=7)
    first = day - dt.timedelta(days=day.weekday())
    rows = warehouse_reads.sample_candidates(program.code, first, first + dt.timedelta(days=6))
    items = do_draw_sample(program=program, rows=rows, actor="cli")
    click.echo(f"{len(items)} interactions of {first} week queued for {program.code}.")


@qa.command()
@click.option("--program", "program_code", required=True)
@click.option("--as-of", "as_of")
def signals(program_code: str, as_of: str | None) -> None:
    """Run the SOP-review rule on the program's evaluations; print new signals."""
    _setup()
    from django.utils import timezone

    from upswing.quality.calibration_actions import do_check_sop_signals

    created = do_check_sop_signals(
        _program(program_code), as_of=_day(as_of) or timezone.localdate(), actor="cli"
    )
    for signal in created:
        click.echo(f"SOP review: {signal.summary}")
    click.echo(f"{len(created)} new signal(s).", err=True)


@qa.command()
@click.option("--program", "program_code", help="one program (default: all)")
def export(program_code: str | None) -> None:
    """Import the evaluations scored in Upswing into the warehouse as `qa` rows (then run
    `upswing refresh` to count them in the QA metric)."""
    _setup()
    from upswing.quality.export import do_export_evaluations

    program = _program(program_code) if program_code else None
    result = do_export_evaluations(actor="cli", program=program)
    if result is None:
        click.echo("No evaluation scored in Upswing yet.")
        return
    click.echo(f"{result.rows_read} criterion rows: {result.inserted} new.")


COMMANDS = [qa]
