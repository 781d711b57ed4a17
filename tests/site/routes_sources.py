"""Warehouse sources page in the permission matrix: whoever may run imports (admins); 403 for
every other signed-in user."""

from __future__ import annotations


def _index(persona: str, _code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona == "admin" else 403


ROUTES = {
    "sources:index": ([("/sources/", "")], _index),
}
