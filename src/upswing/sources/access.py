"""Who may see the warehouse sources and have them read now: whoever may run imports (the
admins, DESIGN.md Roles: admin "manages users, imports, settings"). A source's table, its
watermark and the rows it left out are the imports' business, so the same door."""

from __future__ import annotations

from upswing.imports.access import can_import


def can_manage_sources(user) -> bool:
    return can_import(user)
