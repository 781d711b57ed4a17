"""The directory of programs and teams in the permission matrix: every signed-in user may open
it (it lists only what they may open; tests/scorecards/test_directory.py checks the lists)."""

from __future__ import annotations


def _directory(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


ROUTES = {"performance:directory": ([("/programs/", "")], _directory)}
