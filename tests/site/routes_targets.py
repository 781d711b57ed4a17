"""Targets pages in the permission matrix.

The index lists the programs a user may read (empty for an agent or an outsider, so 200 for
every signed-in user); a program's targets page follows program visibility: 200 in scope
(client viewers included: SLA floors are their contract), the same 404 for a program out of
scope and a missing one. Setting a version (POST) is tested in
tests/targets/test_targets_page.py.
"""

from __future__ import annotations

from test_site_permissions import VISIBLE


def _index(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


def _program_targets(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if code in VISIBLE[persona] else 404


ROUTES = {
    "performance:targets_index": ([("/targets/", "")], _index),
    "performance:targets": (
        [(f"/programs/{c}/targets/", c) for c in ("P1", "P2", "NOPE")],
        _program_targets,
    ),
}
