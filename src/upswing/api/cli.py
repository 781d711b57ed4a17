"""`upswing api-token create|list|revoke` (added to `upswing` by _register_feature_commands).

Imported before Django is set up: nothing here touches models at import time.
"""

from __future__ import annotations

import click


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.UsageError(f"no user named {username!r}")
    return user


@click.group(name="api-token")
def api_token() -> None:
    """Per-user API tokens (sent as `Authorization: Bearer <token>`)."""


@api_token.command()
@click.option("--user", "username", required=True, help="the user the token acts as")
@click.option("--name", required=True, help='what it is for, e.g. "BI export"')
@click.option(
    "--expires-in-days", type=click.IntRange(1, 3650), help="refused after this many days"
)
@click.option("--read-only", is_flag=True, help="reads only: calls that change things get 403")
def create(username: str, name: str, expires_in_days: int | None, read_only: bool) -> None:
    """Make a token; it is printed once and only its SHA-256 digest is kept."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.api.actions import do_create_api_token

    try:
        import datetime as dt

        from django.utils import timezone

        expires = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        made = do_create_api_token(
            _user(username), name, actor="cli", expires_at=expires, read_only=read_only
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(made.text)
    click.echo(
        f"Token {name!r} for {username} (id {made.token.pk}). Copy it now: it is not shown again.",
        err=True,
    )


@api_token.command(name="list")
@click.option("--user", "username", help="only this user's tokens")
def list_tokens(username: str | None) -> None:
    """List tokens (name, first characters, created, last used, revoked); never the token."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.api.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "name", "id")
    if username:
        tokens = tokens.filter(user=_user(username))
    for t in tokens:
        click.echo(
            f"{t.pk}\t{t.user.get_username()}\t{t.name}\t{t.prefix}…"
            f"\tcreated {t.created_at:%Y-%m-%d}\tlast used {t.last_used_at or 'never'}"
            f"\t{'revoked' if t.revoked_at else 'active'}"
        )


@api_token.command()
@click.option("--user", "username", required=True)
@click.option("--name", help="the token's name")
@click.option("--id", "token_id", type=int, help="the token's id (see `list`)")
def revoke(username: str, name: str | None, token_id: int | None) -> None:
    """Revoke a token at once (its next call gets 401)."""
    from upswing.boot import setup_django

    if (name is None) == (token_id is None):
        raise click.UsageError("give --name or --id")
    setup_django()
    from upswing.api.actions import do_revoke_api_token
    from upswing.api.models import ApiToken

    tokens = ApiToken.objects.filter(user=_user(username), revoked_at__isnull=True)
    token = tokens.filter(pk=token_id).first() if token_id else tokens.filter(name=name).first()
    if token is None:
        raise click.UsageError("no active token matches")
    do_revoke_api_token(token, actor="cli")
    click.echo(f"Revoked token {token.name!r} of {username}.")


COMMANDS = [api_token]
