"""API tokens: made at random, stored as a SHA-256 digest, checked by digest.

A token is 32 random bytes (URL-safe base64) after a recognisable `upsw_` prefix, so a
leaked one is easy to spot in logs and secret scanners. A digest without a salt is enough
here: the token is random and long, so there is nothing to guess from the digest (unlike a
password), and the lookup by digest stays one indexed query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from upswing.api.models import ApiToken

TOKEN_PREFIX = "upsw_"  # noqa: S105 - a marker, not a secret
# last_used_at is written at most once per this interval per token (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def new_token_text() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_token(token: str):
    """The active user behind an active token, or None (wrong, revoked, or user inactive)."""
    if not token or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
