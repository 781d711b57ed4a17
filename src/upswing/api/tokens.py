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

# A marker that tells a token apart, not a secret.
TOKEN_PREFIX = "upsw_"  # noqa: S105  # nosec B105
# last_used_at is written at most once per this interval per token (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyToken(Exception):  # noqa: N818 - named for what the caller holds
    """A read-only token was used for a call that changes something."""


def new_token_text() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_token(token: str, method: str = "GET"):
    """The active user behind an active token, or None (wrong, revoked, expired, or user
    inactive). A read-only token calling with an unsafe method raises ReadOnlyToken."""
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
    if found.expires_at is not None and now >= found.expires_at:
        return None
    if found.read_only and method.upper() not in SAFE_METHODS:
        raise ReadOnlyToken()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
