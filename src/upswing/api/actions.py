"""Changes made through the API's own records (tokens) and its import uploads, audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from upswing.api.models import ApiToken
from upswing.api.tokens import digest, new_token_text
from upswing.audit.actions import record_event
from upswing.org.models import Role


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    text: str  # shown once; only its digest is stored


def do_create_api_token(
    user, name: str, *, actor, expires_at=None, read_only: bool = False
) -> NewToken:
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name")
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValueError(f"{user.get_username()} already has an active token named {name!r}")
    text = new_token_text()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=digest(text),
            prefix=text[:12],
            expires_at=expires_at,
            read_only=read_only,
        )
        record_event(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={
                "user": [None, user.get_username()],
                "name": [None, name],
                "expires_at": [None, expires_at],
                "read_only": [None, read_only],
            },
        )
    return NewToken(token, text)


def do_revoke_api_token(token: ApiToken, *, actor) -> ApiToken:
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(name: str) -> str:
    """The uploaded file's base name, reduced to harmless characters (the suffix tells the
    reader the format; the name appears in the problems list)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".")[:120]
    return cleaned or "upload"


def record_api_import(run, *, actor) -> None:
    """The API's own event for an upload it saw succeed (once per run; the run's events
    record every import, whoever started it)."""
    from upswing.audit.models import AuditEvent

    if AuditEvent.objects.filter(action="import.upload", object_id=run.batch_id).exists():
        return
    with transaction.atomic():
        record_event(
            actor=actor,
            role=Role.ADMIN,
            action="import.upload",
            object_type="ingest.batch",
            object_id=run.batch_id,
            changes={
                "kind": [None, run.kind],
                "file_name": [None, run.file_name],
                "source": [None, run.source],
                "rows": [None, run.rows_read],
                "inserted": [None, run.inserted],
                "updated": [None, run.updated],
            },
        )
