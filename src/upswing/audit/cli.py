"""`upswing audit verify|head|grants` (added to `upswing` by _register_feature_commands).

Imported before Django is set up: nothing here touches models at import time.
"""

from __future__ import annotations

import click

EXIT_TAMPERED = 1


def act_as_cli() -> None:
    """Audit events written during this command run are acted by "cli" (until it ends)."""
    from upswing.audit.middleware import bind_actor

    click.get_current_context().with_resource(bind_actor("cli"))


@click.group(name="audit")
def audit() -> None:
    """The audit trail: check its hash chain; set up the database roles that protect it."""


@audit.command()
@click.option(
    "--anchor",
    help="SEQ:HASH noted earlier (`upswing audit head`): also catches a removed tail",
)
def verify(anchor: str | None) -> None:
    """Check every event against the hash chain; exit 1 on any change, removal or gap."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.audit.chain import Anchor
    from upswing.audit.verify import verify_audit_trail

    try:
        expected = Anchor.parse(anchor) if anchor else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--anchor") from None
    report = verify_audit_trail(expected)
    for problem in report.problems:
        click.echo(f"TAMPERED  {problem.message}")
    if report.more_problems:
        click.echo(f"TAMPERED  … and {report.more_problems} more problems.")
    head = f"head {report.head}" if report.head else "no events yet"
    if report.ok:
        click.echo(f"OK  {report.events} events, chain intact ({head}).")
        return
    click.echo(f"FAILED  {report.events} events checked ({head}).", err=True)
    raise SystemExit(EXIT_TAMPERED)


@audit.command()
def head() -> None:
    """Print the last event as SEQ:HASH, to keep outside the database (a log host)."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.audit.verify import audit_head

    anchor = audit_head()
    click.echo(str(anchor) if anchor else "0:" + "0" * 64)


@audit.command()
@click.argument("app_role")
@click.option("--owner", "owner_role", required=True, help="the role that owns the tables")
@click.option("--apply", is_flag=True, help="run them (connected as the owner) instead of print")
def grants(app_role: str, owner_role: str, apply: bool) -> None:
    """PostgreSQL: the privileges of the application role (not the owner; docs/deploy.md)."""
    from upswing.boot import setup_django

    setup_django()
    from django.db import connection, transaction

    from upswing.audit.roles import app_role_grants

    try:
        statements = app_role_grants(app_role, owner_role)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if not apply:
        click.echo(";\n".join(statements) + ";")
        return
    if connection.vendor != "postgresql":
        raise click.UsageError("database roles exist on PostgreSQL only; SQLite has none")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    click.echo(f"Granted {app_role} its privileges ({len(statements)} statements).")


COMMANDS = [audit]
