"""The audit trail page in the permission matrix: HR partners and admins (403 otherwise)."""

from __future__ import annotations


def _events(persona: str, _code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in {"admin", "hr"} else 403


ROUTES = {"audit:events": ([("/audit/", "")], _events)}
