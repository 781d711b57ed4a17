"""Changes made through the API's own records (tokens) and its import upload, audited."""

from __future__ import annotations

import re
import tempfile
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


def do_create_api_token(user, name: str, *, actor) -> NewToken:
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name")
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValueError(f"{user.get_username()} already has an active token named {name!r}")
    text = new_token_text()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, token_hash=digest(text), prefix=text[:12]
        )
        record_event(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={"user": [None, user.get_username()], "name": [None, name]},
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


def do_import_upload(kind: str, upload, *, source: str | None, actor):
    """Store the upload in a private temporary folder and import it like `upswing import`.

    The import itself is all-or-nothing (upswing.ingest.service); the audit event is written
    once it has succeeded. Raises ImportRejected with the problems otherwise.
    """
    from upswing.ingest.service import import_file

    with tempfile.TemporaryDirectory(prefix="upswing-upload-") as folder:
        path = Path(folder) / safe_file_name(upload.name or "")
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        result = import_file(kind, path, source=source)
    with transaction.atomic():
        record_event(
            actor=actor,
            role=Role.ADMIN,
            action="import.upload",
            object_type="ingest.batch",
            object_id=result.batch_id,
            changes={
                "kind": [None, result.kind],
                "file_name": [None, result.file_name],
                "source": [None, result.source],
                "rows": [None, result.rows_read],
                "inserted": [None, result.inserted],
                "updated": [None, result.updated],
            },
        )
    return result
