"""Who may see the warehouse sources and have them read now: the admins, as for imports
(DESIGN.md Roles: admin "manages users, imports, settings"). A source's table, its watermark
and the rows it left out are the imports' business, so the same rule
(`upswing.imports.access.can_import`), read from the organisation's reach here: the imports
package reaches the sources through the refresh that reads them first."""

from __future__ import annotations

from upswing.org.access import reach_of


def can_manage_sources(user) -> bool:
    return reach_of(user).is_admin
