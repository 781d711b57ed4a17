"""The start pages in the permission matrix (src/upswing/today): every signed-in user opens
their own start page and badge (each lists only their own work, read through the features'
doors: tests/today/test_start_pages.py); anonymous visitors are sent to sign in."""

from __future__ import annotations


def _own_work(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


ROUTES = {
    "today:start": ([("/today/", "")], _own_work),
    "today:badge": ([("/today/badge/", "")], _own_work),
}
