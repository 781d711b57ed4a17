"""`upswing feedback …`: results of a closed cycle, under the same thresholds as the pages."""

from __future__ import annotations

import json
import sys

import click

EXIT_REFUSED = 1


@click.group()
def feedback() -> None:
    """360 feedback: results of closed cycles."""


@feedback.command()
@click.option("--cycle", "cycle_id", type=int, required=True, help="the cycle's id")
@click.option("--agent", "agent_code", help="one subject's agent code (default: every subject)")
@click.option(
    "--group",
    "groups",
    multiple=True,
    help="show only these groups: self, manager, peer, direct_report, other, pool, all",
)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def results(cycle_id: int, agent_code: str | None, groups: tuple[str, ...], fmt: str) -> None:
    """Results per question and group; anonymous groups below the threshold show nothing."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.feedback.models import Cycle, CycleState
    from upswing.feedback.queries import parse_groups, results_csv, results_payload

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        _refuse(f"No feedback cycle {cycle_id}.")
    if cycle.state != CycleState.CLOSED:
        _refuse(
            f"Cycle {cycle_id} is {cycle.get_state_display().lower()}: "
            "its results open when it closes."
        )
    subjects = cycle.subjects.select_related("agent", "cycle").order_by("agent__code")
    if agent_code:
        subjects = subjects.filter(agent__code=agent_code)
        if not subjects:
            _refuse(f"Agent {agent_code} is not a subject of cycle {cycle_id}.")
    picked = parse_groups(list(groups))
    if fmt == "csv":
        click.echo(results_csv(list(subjects), groups=picked, with_agent=True), nl=False)
        return
    payload = [results_payload(s, groups=picked) for s in subjects]
    click.echo(json.dumps({"cycle": cycle_id, "subjects": payload}, indent=2, default=str))


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_REFUSED)


COMMANDS = [feedback]
