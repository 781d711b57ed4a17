"""Performance commands added to `upswing` (see upswing.cli._register_feature_commands).

Imported when the CLI starts, before Django is set up: nothing here touches models at import.
"""

from __future__ import annotations

import datetime as dt
import json

import click


@click.command()
@click.option("--program", help="a program code (default: every program)")
@click.option("--team", help="only the findings of this team")
@click.option("--agent", help="only the findings of this agent")
@click.option(
    "--as-of",
    "as_of",
    help="the day to diagnose as of, YYYY-MM-DD (default: yesterday, so today's partial "
    "week is never judged); each program's last complete week with data on or before it is "
    "the latest judged",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--no-store", is_flag=True, help="print the findings without storing them")
def diagnose(program, team, agent, as_of, fmt, no_store) -> None:
    """Say whether each gap is real, sustained and the person's own, and what to do about it."""
    from upswing.boot import setup_django

    day = _parse_day(as_of)
    setup_django()
    from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis

    try:
        result = run_diagnosis(
            DiagnosisScope(program=program, team=team, agent=agent), as_of=day, store=not no_store
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(render_table(result))


def _parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date; write YYYY-MM-DD", param_hint="--as-of"
        ) from None


def render_table(result) -> str:
    header = (
        f"Diagnosis as of {result.as_of} (judged on the last complete week with data, "
        f"{result.last_period.label}; "
        f"rules {result.findings[0].rules_version if result.findings else 'current'}): "
        f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}"
    )
    lines = [header]
    if result.findings:
        columns = ("agent", "team", "metric", "kind", "cause", "recommendation", "periods")
        rows = [
            (
                f.agent_id,
                f.team_id,
                f.metric,
                f.kind.value,
                f.cause.value,
                f.recommendation.value,
                _periods(f.periods),
            )
            for f in result.findings
        ]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        lines.append("")
        lines.append("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for finding, row in zip(result.findings, rows, strict=True):
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
            lines += [f"    - {reason}" for reason in finding.reasons]
    for group in result.groups:
        lines.append("")
        lines.append(f"Similar gaps: {group.reason}")
    return "\n".join(lines)


def _periods(labels) -> str:
    if not labels:
        return "—"
    return labels[0] if len(labels) == 1 else f"{labels[0]}..{labels[-1]}"


COMMANDS = [diagnose]
