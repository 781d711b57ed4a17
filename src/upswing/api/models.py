"""Per-user API tokens. Only a SHA-256 digest of each token is stored; the token itself is
shown once, when it is made, and cannot be read back from the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text='what it is for, e.g. "BI export"')
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="hex SHA-256 of the token; the token is not kept"
    )
    prefix = models.CharField(
        max_length=12, help_text="the token's first characters, to tell tokens apart in lists"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="refused from this moment on (empty: until revoked)"
    )
    read_only = models.BooleanField(
        default=False, help_text="reads only: any call that changes something is refused (403)"
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["user", "name", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="apitoken_unique_active_name",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.name} ({self.prefix}…, {state})"
