"""`upswing privacy erase|hold|lift|export|retention` (added by _register_feature_commands)."""

from __future__ import annotations

import json
from pathlib import Path

import click

EXIT_BLOCKED = 1


def _agent(code: str):
    from upswing.org.models import Agent

    agent = Agent.objects.filter(code=code).first()
    if agent is None:
        raise click.UsageError(f"no agent with id {code!r}")
    return agent


@click.group(name="privacy")
def privacy() -> None:
    """Erasure, legal holds, data-subject exports and the retention schedule."""


@privacy.command()
@click.argument("agent_id")
@click.option("--reason", required=True, help="the request this answers")
def erase(agent_id: str, reason: str) -> None:
    """Pseudonymise a person in place (blocked by a legal hold)."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.privacy.actions import ErasureBlocked, do_erase_person

    try:
        do_erase_person(_agent(agent_id), actor="cli", reason=reason)
    except ErasureBlocked as exc:
        click.echo(f"not erased: {exc}", err=True)
        raise SystemExit(EXIT_BLOCKED) from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"{agent_id} is now pseudonymised; numbers and history are kept.")


@privacy.command()
@click.argument("agent_id")
@click.option("--reason", required=True)
def hold(agent_id: str, reason: str) -> None:
    """Place a legal hold: nothing about the person is blanked or erased while it lasts."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.privacy.actions import do_place_legal_hold

    held = do_place_legal_hold(_agent(agent_id), reason, actor="cli")
    click.echo(f"Legal hold {held.pk} placed on {agent_id}.")


@privacy.command()
@click.argument("agent_id")
def lift(agent_id: str) -> None:
    """Lift the person's active legal holds."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.privacy.actions import do_lift_legal_hold

    holds = _agent(agent_id).legal_holds.filter(lifted_at__isnull=True)
    for held in holds:
        do_lift_legal_hold(held, actor="cli")
    click.echo(f"{len(holds)} hold(s) lifted on {agent_id}.")


@privacy.command()
@click.argument("agent_id")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf"]), default="json")
@click.option("--out", type=click.Path(path_type=Path), help="file to write (JSON: stdout)")
def export(agent_id: str, fmt: str, out: Path | None) -> None:
    """Everything held about a person (a data-subject access request)."""
    from upswing.boot import setup_django

    setup_django()
    from django.db import transaction

    from upswing.audit.actions import record_event
    from upswing.privacy.export import person_export, person_export_pdf

    agent = _agent(agent_id)
    data = person_export(agent)
    with transaction.atomic():
        record_event(
            actor="cli", action="privacy.export", obj=agent, changes={"format": [None, fmt]}
        )
    if fmt == "pdf":
        if out is None:
            raise click.UsageError("a PDF needs --out FILE")
        out.write_bytes(person_export_pdf(data))
        click.echo(str(out))
    elif out is not None:
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        click.echo(str(out))
    else:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@privacy.command()
@click.option("--apply", is_flag=True, help="blank what is past its time (default: list rules)")
def retention(apply: bool) -> None:
    """The retention schedule (edited in the admin); --apply runs the sweep."""
    from upswing.boot import setup_django

    setup_django()
    from django.utils import timezone

    from upswing.privacy.actions import do_apply_retention
    from upswing.privacy.models import RetentionRule

    if not apply:
        for rule in RetentionRule.objects.order_by("record_class"):
            click.echo(f"{rule.get_record_class_display()}: {rule.keep_days} days  {rule.basis}")
        return
    done = do_apply_retention(timezone.localdate(), actor="cli")
    for record_class, n in sorted(done.items()):
        click.echo(f"{record_class}: {n} record(s) blanked")


COMMANDS = [privacy]
