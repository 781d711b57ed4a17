"""The API's coaching, finding and plan URLs in the permission matrix (records:
factories.build_coaching_records and build_plan_records, as the pages' rows use).

Anonymous callers get 401, never a redirect; lists answer 200 to anyone signed in (their rows
are scoped: tests/api/test_coaching_api.py and test_plans_api.py check them per persona);
single records answer 200 to exactly the personas who may open the record's page and 404 to
everyone else, missing or out of scope alike. Writes are POST or PUT only (GET: 405); who
may make them is checked in tests/api.
"""

from __future__ import annotations

from routes_coaching import FINDING_READERS, SESSION_READERS
from routes_plans import READERS as PLAN_READERS


def _list(persona: str, _code: str) -> int:
    return 401 if persona == "anonymous" else 200


def _readers(table: dict[str, set[str]]):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 401
        return 200 if persona in table[code] else 404

    return expected


def _write_only(_persona: str, _code: str) -> int:
    return 405


def _paths(template: str, codes) -> list[tuple[str, str]]:
    return [(template.format(c), c) for c in codes]


ROUTES = {
    "api:finding": (_paths("/api/findings/{}", FINDING_READERS), _readers(FINDING_READERS)),
    "api:coaching_sessions": ([("/api/coaching/sessions", "")], _list),
    "api:coaching_session": (
        _paths("/api/coaching/sessions/{}", SESSION_READERS),
        _readers(SESSION_READERS),
    ),
    "api:coaching_acknowledge": (
        [("/api/coaching/sessions/9201/acknowledge", "9201")],
        _write_only,
    ),
    "api:coaching_follow_ups": ([("/api/coaching/follow-ups", "")], _list),
    "api:coaching_actions": ([("/api/coaching/actions", "")], _list),
    "api:coaching_action_done": ([("/api/coaching/actions/9301/done", "9301")], _write_only),
    "api:plans": ([("/api/plans", "")], _list),
    "api:plan": (_paths("/api/plans/{}", PLAN_READERS), _readers(PLAN_READERS)),
    "api:plan_terms": ([("/api/plans/9101/terms", "9101")], _write_only),
    "api:plan_submit": ([("/api/plans/9101/submit", "9101")], _write_only),
    "api:plan_review": ([("/api/plans/9102/review", "9102")], _write_only),
    "api:plan_acknowledge": ([("/api/plans/9103/acknowledge", "9103")], _write_only),
    "api:plan_checkpoints": (
        _paths("/api/plans/{}/checkpoints", PLAN_READERS),
        _readers(PLAN_READERS),
    ),
    "api:plan_checkpoint": ([("/api/plans/9103/checkpoints/2", "9103")], _write_only),
    "api:plan_final_review": ([("/api/plans/9103/final-review", "9103")], _write_only),
    "api:plan_extend": ([("/api/plans/9103/extend", "9103")], _write_only),
    "api:plan_close": ([("/api/plans/9103/close", "9103")], _write_only),
    "api:plan_checkpoint_reflection": (
        [("/api/plans/9103/checkpoints/1/reflection", "9103")],
        _write_only,
    ),
}
