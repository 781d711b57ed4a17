"""The REST API's URLs in the permission matrix (see test_site_permissions.ROUTES).

API calls answer 401 to anonymous callers, never a redirect; lists answer 200 to anyone
signed in (their content is scoped, tests/api checks the rows); single records answer 404
out of scope, like the pages. GET only here: the POST endpoints are covered in tests/api.
"""

from __future__ import annotations

from test_site_permissions import VISIBLE


def _list(persona: str, _code: str) -> int:
    return 401 if persona == "anonymous" else 200


def _one(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 401
    return 200 if code in VISIBLE[persona] else 404


def _missing(persona: str, _code: str) -> int:
    return 401 if persona == "anonymous" else 404


def _public(_persona: str, _code: str) -> int:
    return 200  # the schema describes endpoints, never data


def _docs(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200  # a page: sign in first


def _post_only(_persona: str, _code: str) -> int:
    return 405


def _no_page(_persona: str, _code: str) -> int:
    return 404  # ninja's root: nothing there


def _admin_missing(persona: str, _code: str) -> int:
    if persona == "anonymous":
        return 401
    return 404 if persona == "admin" else 403  # an import run: admins only, like the page


def _codes(prefix: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(f"/api/{prefix}/{c}", c) for c in codes]


ROUTES = {
    "api:api-root": ([("/api/", "")], _no_page),
    "api:openapi-json": ([("/api/openapi.json", "")], _public),
    "api:docs": ([("/api/docs", "")], _docs),
    "api:programs": ([("/api/programs", "")], _list),
    "api:program": (_codes("programs", ("P1", "P2", "NOPE")), _one),
    "api:program_trend": (
        [(f"/api/programs/{c}/trend?metric=aht", c) for c in ("P1", "P2", "NOPE")],
        _one,
    ),
    "api:teams": ([("/api/teams", "")], _list),
    "api:team": (_codes("teams", ("T1", "T2", "T3", "NOPE")), _one),
    "api:agents": ([("/api/agents", "")], _list),
    "api:agent": (_codes("agents", ("A1", "A2", "A3", "A4", "A5", "NOPE")), _one),
    "api:scorecards": (
        [
            (f"/api/scorecards?level={level}&entity={c}", c)
            for level, c in (("program", "P1"), ("program", "P2"), ("team", "T1"), ("agent", "A5"))
        ],
        _one,
    ),
    "api:targets": ([("/api/targets", "")], _list),
    "api:target": ([("/api/targets/999999", "")], _missing),
    "api:imports": ([("/api/imports", "")], _post_only),
    "api:findings": ([("/api/findings", "")], _list),
    "api:import_run": ([("/api/imports/999999", "")], _admin_missing),
}
