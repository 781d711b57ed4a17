"""`upswing plan …` and `upswing nudge` (see upswing.cli._register_feature_commands).

Imported when the CLI starts, before Django is set up: nothing here touches models at import.
The CLI is the operator's tool: it reads plans without a user's scope, and changes none.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

EXIT_PROBLEMS = 1


def _day(text: str | None, name: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date; write YYYY-MM-DD", param_hint=name
        ) from None


def _setup() -> None:
    from upswing.boot import setup_django

    setup_django()


@click.group()
def plan() -> None:
    """Performance improvement plans: draft from evidence, lint, show, review."""


@plan.command()
@click.option("--agent", "agent", required=True, help="the agent's code")
@click.option("--as-of", "as_of", help="YYYY-MM-DD (default: today in the program's time zone)")
@click.option("--length", "length", default=90, show_default=True, help="plan length in days")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True
)
def draft(agent, as_of, length, fmt) -> None:
    """Draft a plan for AGENT from their latest finding that recommends one (nothing is saved)."""
    day = _day(as_of)
    _setup()
    from upswing.plans.draft import draft_plan_terms
    from upswing.plans.rules import DraftRefused

    try:
        result = draft_plan_terms(agent, day, length_days=length)
    except DraftRefused as exc:
        for reason in exc.reasons:
            click.echo(reason, err=True)
        sys.exit(EXIT_PROBLEMS)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result.terms.to_dict(), indent=2))
    else:
        click.echo(_terms_text(result.terms))
    for problem in result.problems:
        click.echo(problem.line(), err=True)


@plan.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--as-of", "as_of", help="judge against the data as of this day (default: today)")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def lint(file, as_of, fmt) -> None:
    """Check FILE.json against the plan rules; one line per problem; exit 1 on any error."""
    day = _day(as_of)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"error: invalid-shape: {file.name}: not JSON ({exc})")
        sys.exit(EXIT_PROBLEMS)
    _setup()
    from upswing.plans.draft import lint_terms
    from upswing.plans.rules import PlanTerms, has_errors

    problems = lint_terms(PlanTerms.from_dict(data), day)
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in problems], indent=2))
    else:
        for problem in problems:
            click.echo(problem.line())
        errors = sum(p.severity == "error" for p in problems)
        click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)", err=True)
    sys.exit(EXIT_PROBLEMS if has_errors(problems) else 0)


@plan.command()
@click.argument("plan_id", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show(plan_id, fmt) -> None:
    """Show plan PLAN_ID: state, versions, terms in force, checkpoints."""
    _setup()
    from upswing.plans.queries import plan_summary

    summary = plan_summary(plan_id)
    if summary is None:
        raise click.UsageError(f"no plan {plan_id}")
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    click.echo(_summary_text(summary))


@plan.command()
@click.argument("plan_id", type=int)
@click.option("--as-of", "as_of", help="YYYY-MM-DD (default: today in the program's time zone)")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def review(plan_id, as_of, fmt) -> None:
    """The outcome rules' verdict on PLAN_ID with its reasons (nothing is saved)."""
    day = _day(as_of)
    _setup()
    from upswing.plans import progress
    from upswing.plans.draft import local_today
    from upswing.plans.models import Plan

    found = Plan.objects.select_related("agent", "team", "program").filter(pk=plan_id).first()
    if found is None:
        raise click.UsageError(f"no plan {plan_id}")
    try:
        verdict = progress.review(found, day or local_today(found.program))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(verdict.to_dict(), indent=2))
        return
    click.echo(f"Plan {plan_id} as of {verdict.as_of}: {verdict.verdict.value}")
    click.echo("\n".join(f"  - {r}" for r in verdict.reasons))


@plan.command()
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "ics"]), default="pdf")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True)
def export(plan_id, fmt, out) -> None:
    """Write the plan packet (PDF, Word) or its check-in calendar (ICS) to OUT."""
    _setup()
    from upswing.plans.queries import export_plan

    data = export_plan(plan_id, fmt)
    if data is None:
        raise click.UsageError(f"no plan {plan_id}")
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes)")


@click.command()
def nudge() -> None:
    """Email reminders before each plan checkpoint and when one is overdue (safe from cron),
    and feedback reminders to raters and leads."""
    _setup()
    from upswing.plans.nudges import send_nudges

    click.echo(send_nudges().line())
    from upswing.feedback.reminders import send_feedback_reminders

    click.echo(send_feedback_reminders().line())


def _terms_text(terms) -> str:
    lines = [f"Plan draft for {terms.agent_id}: {terms.start_date} to {terms.end_date}", ""]
    lines.append(terms.problem_statement)
    for i, g in enumerate(terms.goals):
        lines.append(
            f"Goal {i + 1}: {g.behavior} — {g.metric} {g.baseline} → {g.target} by day {g.due_day}"
        )
    lines.append("Checkpoints: " + ", ".join(d.isoformat() for d in terms.checkpoints))
    return "\n".join(lines)


def _summary_text(s: dict) -> str:
    lines = [
        f"Plan {s['id']} — {s['agent']} ({s['agent_code']}), team {s['team']}: {s['state']}"
        + (f", outcome {s['outcome']}" if s["outcome"] else ""),
        f"  metric {s['metric']} · {s['start_date']} to {s['end_date']} · version {s['version']}",
    ]
    for v in s["versions"]:
        lines.append(f"  v{v['number']} {v['reason']}: {v['status']}")
    if s["problem_statement"]:
        lines.append(f"  {s['problem_statement']}")
    for c in s["checkpoints"]:
        done = "done" + (" on time" if c["on_time"] else " late") if c["completed"] else "open"
        lines.append(f"  checkpoint {c['number']} {c['due_on']}: {done}")
    return "\n".join(lines)


COMMANDS = [plan, nudge]
