"""`upswing governance …`: a program's breaches against its contract, and its monthly report.

Imported when the CLI starts, before Django is set up: nothing here touches models at import.
The CLI is the operator's tool: it reads without a user's scope.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click


def _setup() -> None:
    from upswing.boot import setup_django

    setup_django()


def _program(code: str):
    from upswing.org.models import Program

    program = Program.objects.filter(code=code).first()
    if program is None:
        raise click.BadParameter(f"no program {code!r}", param_hint="--program")
    return program


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--as-of"
        ) from None


@click.group()
def governance() -> None:
    """The client's side: breaches against the contract, monthly reports."""


@governance.command()
@click.option("--program", "program_code", required=True, help="program_id")
@click.option("--as-of", "as_of", help="last day judged (default: yesterday in the program's zone)")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def breaches(program_code: str, as_of: str | None, fmt: str) -> None:
    """Each breach of the program's contract: metric, window, value, floor, whether it is
    excused, and how it counts against the allowable failures."""
    day = _day(as_of)
    _setup()
    from upswing.governance.pages import BREACH_COLUMNS, breach_table_rows, breaches_payload
    from upswing.governance.queries import breach_report_for, contract_of

    program = _program(program_code)
    if contract_of(program) is None:
        raise click.ClickException(f"program {program.code} has no contract (import contracts)")
    payload = breaches_payload(program, breach_report_for(program, day))
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(_table(payload, BREACH_COLUMNS, breach_table_rows(payload)))


def _table(payload: dict, columns, rows) -> str:
    head = f"{payload['program_name']} ({payload['program']}) — breaches as of {payload['as_of']}"
    if not rows:
        return head + "\nNo breach in the closed windows."
    widths = [max(len(str(x)) for x in col) for col in zip(columns, *rows, strict=True)]
    lines = [head, "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    if payload["escalation"]:
        lines.append(f"Now: {payload['breaches'][-1]['escalation_label']}.")
    return "\n".join(lines)


def _month(text: str):
    from upswing.periods import PeriodKind, parse_period

    try:
        period = parse_period(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    if period.kind is not PeriodKind.MONTH:
        raise click.BadParameter(
            f"{text!r} is a week; give a month (YYYY-MM)", param_hint="--month"
        )
    return period


@governance.command()
@click.option("--program", "program_code", required=True, help="program_id")
@click.option("--month", "month_label", required=True, help="the calendar month, YYYY-MM")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "pdf", "xlsx"]), default="json", show_default=True
)
@click.option("--out", type=click.Path(path_type=Path), help="file to write (pdf, xlsx)")
def report(program_code: str, month_label: str, fmt: str, out: Path | None) -> None:
    """The monthly program report for the client: SLA attainment with trend, breaches against
    the allowance, events, QA and calibration, corrective action plans."""
    _setup()
    month = _month(month_label)
    from upswing.governance import report as documents

    program = _program(program_code)
    data = documents.monthly_report(program, month)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    render = documents.render_pdf if fmt == "pdf" else documents.render_xlsx
    path = out or Path(f"{program.code}-{month.label}.{fmt}")
    path.write_bytes(render(data))
    click.echo(f"Wrote {path}")


COMMANDS = (governance,)
