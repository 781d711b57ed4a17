"""Imports pages in the permission matrix: admins only (403 for every other signed-in user,
404 for an admin asking for a run that does not exist)."""

from __future__ import annotations


def _index(persona: str, _code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona == "admin" else 403


def _run(persona: str, _code: str) -> int:
    if persona == "anonymous":
        return 302
    return 404 if persona == "admin" else 403


ROUTES = {
    "imports:index": ([("/imports/", "")], _index),
    "imports:run": ([("/imports/999999/", "missing")], _run),
    "imports:mapping": ([("/imports/mapping/", "")], _index),
}
