"""The permission suite: every persona × every URL, status codes and what the pages must not show.

A URL pattern that is not listed in ROUTES fails `test_every_url_pattern_is_in_the_matrix`,
so a new page cannot ship without deciding who may see it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from factories import PERSONAS

ALL_ENTITIES = {"P1", "P2", "T1", "T2", "T3", "A1", "A2", "A3", "A4", "A5"}
P1_PEOPLE = {"P1", "T1", "T2", "A1", "A2", "A3", "A5"}

# What each persona may open (program, team and agent codes).
VISIBLE: dict[str, set[str]] = {
    "anonymous": set(),
    "agent": {"A1"},
    "peer": {"A2"},
    "lead": {"P1", "T1", "A1", "A2", "A5"},
    "other_lead": {"P1", "T2", "A3", "A5"},
    "qa": P1_PEOPLE,
    "manager": P1_PEOPLE,
    "hr": P1_PEOPLE,
    "client_viewer": {"P1"},
    "other_client_viewer": {"P2"},
    "admin": ALL_ENTITIES,
    "outsider": set(),
}

NAMES = {
    "P1": "Claims",
    "P2": "Telco care",
    "T1": "Claims North",
    "T2": "Claims South",
    "T3": "Care East",
    "A1": "Alice Anders",
    "A2": "Peter Pike",
    "A3": "Carl Crane",
    "A4": "Dora Dunmore",
    "A5": "Erin Evans",
}

LANDING = {
    "agent": "/agents/A1/",
    "peer": "/agents/A2/",
    "lead": "/teams/T1/",
    "other_lead": "/teams/T2/",
    "qa": "/programs/P1/",
    "manager": "/programs/P1/",
    "hr": "/programs/P1/",
    "client_viewer": "/programs/P1/",
    "other_client_viewer": "/programs/P2/",
    "admin": "/programs/P1/",
}


def _entity_status(prefix: str):
    """Dashboards: 302 to sign-in for anonymous, 200 in scope, 404 otherwise (also for missing)."""

    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 302
        return 200 if code in VISIBLE[persona] else 404

    return expected


def _home(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200  # the start page (upswing.today)


def _login(persona: str, _code: str) -> int:
    return 200 if persona == "anonymous" else 302  # signed-in users are sent on


def _logout_get(_persona: str, _code: str) -> int:
    return 405  # POST only


def _admin(persona: str, _code: str) -> int:
    return 200 if persona == "admin" else 302


# route name -> (concrete paths, expected status for (persona, code))
# A scorecard page answers alike for a stored week, a quarter and custom days (computed live;
# the persona org has no warehouse, so in scope they say so in words), and for bad days.
SPANS = ("", "?period=2026-Q4", "?from=2026-10-05&to=2026-10-11", "?from=2026-10-11&to=x")

ROUTES: dict[str, tuple[list[tuple[str, str]], object]] = {
    "home": ([("/", "")], _home),
    "login": ([("/login/", "")], _login),
    "logout": ([("/logout/", "")], _logout_get),
    "performance:program": (
        [(f"/programs/{c}/{q}", c) for c in ("P1", "P2", "NOPE") for q in SPANS],
        _entity_status("programs"),
    ),
    "performance:team": (
        [(f"/teams/{c}/{q}", c) for c in ("T1", "T2", "T3", "NOPE") for q in SPANS],
        _entity_status("teams"),
    ),
    "performance:agent": (
        [(f"/agents/{c}/{q}", c) for c in ("A1", "A2", "A3", "A4", "A5", "NOPE") for q in SPANS],
        _entity_status("agents"),
    ),
    # The Django admin checks is_staff itself; its index stands for the whole admin site.
    "admin:*": ([("/admin/", "")], _admin),
}


def _feature_routes() -> dict:
    """Each feature lists its own URLs in tests/site/routes_<feature>.py (a ROUTES dict of the
    same shape, expectations built from this module's VISIBLE), so features can add pages
    without editing this file; the inventory below still fails on any URL left out."""
    import importlib
    import pathlib

    merged = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("routes_*.py")):
        module = importlib.import_module(path.stem)
        clash = set(module.ROUTES) & (set(ROUTES) | set(merged))
        assert not clash, f"{path.name} redefines routes {sorted(clash)}"
        merged.update(module.ROUTES)
    return merged


ROUTES.update(_feature_routes())

CASES = [
    pytest.param(persona, route, path, code, id=f"{persona}-{path}")
    for persona in PERSONAS
    for route, (paths, _) in ROUTES.items()
    for path, code in paths
]


@pytest.mark.parametrize(("persona", "route", "path", "code"), CASES)
def test_status_codes(login_as, persona, route, path, code):
    client = login_as(persona)
    expected = ROUTES[route][1](persona, code)
    response = client.get(path)
    assert response.status_code == expected, f"{persona} GET {path}"
    if persona == "anonymous" and expected == 302 and route != "admin:*":
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p in LANDING])
def test_home_is_the_start_page_and_links_each_role_to_its_scorecard(login_as, persona):
    response = login_as(persona).get("/")
    assert response.status_code == 200
    assert f'href="{LANDING[persona]}' in response.content.decode()


def test_outsider_home_says_there_is_nothing_yet(login_as):
    response = login_as("outsider").get("/")
    assert b"no role yet" in response.content


def _asked_to_rate(org, persona: str) -> set[str]:
    """Agents a persona is asked to give 360 feedback on: the request names its subject to the
    rater (the start page lists it under "Feedback to give", as the feedback page does)."""
    from upswing.feedback.access import open_requests

    if persona == "anonymous":
        return set()
    return set(open_requests(org.user(persona)).values_list("subject__agent__code", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_never_name_anything_out_of_scope(login_as, org, persona):
    """Lists, nav, breadcrumbs: no page a persona can open names a program, team or agent
    outside their scope (a client viewer sees no team and no agent at all)."""
    client = login_as(persona)
    shown = VISIBLE[persona] | _asked_to_rate(org, persona)
    forbidden = {code: name for code, name in NAMES.items() if code not in shown}
    # "Claims" (P1) is a prefix of its teams' names; check it only where P1 is out of scope
    # and no visible name contains it.
    visible_names = [NAMES[c] for c in VISIBLE[persona]]
    forbidden = {
        c: n for c, n in forbidden.items() if not any(n in shown for shown in visible_names)
    }
    pages = ["/", "/login/"] + [f"/{kind}/{c}/" for kind, c in _entity_paths()]
    pages += [f"/{kind}/{c}/?period=2026-W41" for kind, c in _entity_paths()]
    opened = 0
    for path in pages:
        response = client.get(path, follow=True)
        if response.status_code != 200:
            continue
        opened += 1
        text = response.content.decode()
        leaked = [name for name in forbidden.values() if name in text]
        assert not leaked, f"{persona} sees {leaked} on {path}"
    assert opened >= 1


def _entity_paths():
    kinds = {"P": "programs", "T": "teams", "A": "agents"}
    return [(kinds[c[0]], c) for c in sorted(ALL_ENTITIES)]


@pytest.mark.parametrize("persona", ["client_viewer", "other_client_viewer"])
def test_client_viewer_pages_show_no_agent_or_team(login_as, org, persona):
    client = login_as(persona)
    program = "P1" if persona == "client_viewer" else "P2"
    text = client.get(f"/programs/{program}/").content.decode()
    for agent in org.agents.values():
        assert agent.name not in text
        assert f"/agents/{agent.code}/" not in text
    for team in org.teams.values():
        assert team.name not in text
        assert f"/teams/{team.code}/" not in text


def test_lead_team_page_lists_only_own_members(login_as):
    text = login_as("lead").get("/teams/T1/?period=2026-W41").content.decode()
    assert "Alice Anders" in text
    assert "Peter Pike" in text
    assert "Erin Evans" in text  # on T1 until 2026-10-11
    assert "Carl Crane" not in text
    assert "Dora Dunmore" not in text


def test_lead_program_page_lists_only_own_teams(login_as):
    text = login_as("lead").get("/programs/P1/").content.decode()
    assert "/teams/T1/" in text
    assert "/teams/T2/" not in text
    assert "Claims South" not in text


def test_manager_program_page_lists_all_teams_of_the_program(login_as):
    text = login_as("manager").get("/programs/P1/").content.decode()
    assert "/teams/T1/" in text
    assert "/teams/T2/" in text
    assert "/teams/T3/" not in text


# --- the URL inventory: every pattern must be in ROUTES -------------------------------------


def _route_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "admin":
                yield "admin:*", pattern
                continue
            inner = f"{namespace}{ns}:" if ns else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)), pattern


def test_every_url_pattern_is_in_the_matrix():
    names = {name for name, _ in _route_names(get_resolver().url_patterns)}
    missing = names - set(ROUTES)
    assert not missing, (
        f"URL patterns without a row in the permission matrix: {sorted(missing)}. "
        "Add them to ROUTES in tests/site/test_site_permissions.py with who may open them."
    )
    stale = set(ROUTES) - names
    assert not stale, f"ROUTES lists patterns that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
def test_every_admin_page_refuses_anonymous_users(client):
    """The admin site is covered as a whole: each of its patterns sends anonymous users away."""
    admin = next(p for name, p in _route_names(get_resolver().url_patterns) if name == "admin:*")
    offenders = []
    for path in _admin_paths(admin.url_patterns, "/admin/"):
        if path in ADMIN_PUBLIC:
            continue
        code = client.get(path).status_code
        if code not in (302, 404):
            offenders.append(f"GET {path} -> {code}")
    assert not offenders


# Reviewed: the admin's own sign-in form (throttled by django-axes like ours).
ADMIN_PUBLIC = {"/admin/login/"}


def _admin_paths(patterns, prefix: str):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _admin_paths(pattern.url_patterns, route)
        else:
            path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
            yield path.replace("\\", "")
