"""Ids from customers' exports may hold any character: every page still renders.

Found: an agent or team id containing `/` made the team page and `/programs/` answer 500 for
everyone (NoReverseMatch); a NUL byte in a drill-down filter gave a 500.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.urls import URLPattern, get_resolver, resolve, reverse

from factories import build_coaching_records, build_persona_org
from upswing.converters import decode_code, encode_code
from upswing.performance.models import ContextEvent, Finding, ScorecardSnapshot

HOSTILE = {
    "P1": "P/1 ~2F",
    "T1": "T/1",
    "T2": "..",
    "A1": "A/1?#%20&x=<b>",
    "A2": "Ünï ‘quoted’ \"double\" 'single'",
    "A3": "back\\slash",
    "A5": ".",
}
CODE_FIELDS = {
    ScorecardSnapshot: ("entity_code", "team_code", "program_code"),
    Finding: ("program_code", "team_code", "agent_code"),
    ContextEvent: ("program_code", "team_code"),
}


@pytest.fixture
def org(db):
    org = build_coaching_records(build_persona_org())
    for old, new in HOSTILE.items():
        for entity in (*org.programs.values(), *org.teams.values(), *org.agents.values()):
            if entity.code == old:
                type(entity).objects.filter(pk=entity.pk).update(code=new)
                entity.code = new
        for model, fields in CODE_FIELDS.items():
            for field in fields:
                model.objects.filter(**{field: old}).update(**{field: new})
    return org


@pytest.mark.parametrize("code", [*HOSTILE.values(), "~", "~7E", "a~2Fb", "..."])
def test_every_code_round_trips_through_one_url_segment(code):
    encoded = encode_code(code)
    assert "/" not in encoded
    assert encoded.strip(".")  # never "." or "..": browsers would collapse them
    assert decode_code(encoded) == code


def _code_patterns():
    """Every named URL taking a program, team or agent code, with its other arguments."""
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLPattern):
                route = str(p.pattern)
                if "<code:code>" in route and p.name:
                    found.append((f"{namespace}{p.name}", route))
            else:
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)

    walk(get_resolver().url_patterns)
    return found


def _args(route: str, code: str) -> list[str]:
    extra = {"period": "2026-W41", "metric": "aht", "pk": "1"}
    return [code if name == "code" else extra[name] for name in re.findall(r"<\w+:(\w+)>", route)]


def test_every_page_naming_a_code_renders_with_hostile_codes(org, client):
    patterns = _code_patterns()
    assert len(patterns) >= 9
    client.force_login(org.user("admin"))
    for name, route in patterns:
        for code in HOSTILE.values():
            url = reverse(name, args=_args(route, code))
            assert resolve(unquote(url.split("?")[0])).kwargs["code"] == code
            response = client.get(url)
            # 405: a POST-only action opened with GET; never a 500
            assert response.status_code in (200, 404, 405), (name, code, response.status_code)


@pytest.mark.parametrize("persona", ["admin", "lead", "other_lead", "hr", "agent", "qa"])
def test_every_list_page_links_to_hostile_codes_that_resolve(org, client, persona):
    client.force_login(org.user(persona))
    pages = ["/programs/", "/coaching/", "/coaching/reports/", "/systemic/", "/targets/", "/"]
    pages += [reverse("performance:team", args=[HOSTILE["T1"]])]
    pages += [reverse("performance:program", args=[HOSTILE["P1"]])]
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code in (200, 403, 404), (page, response.status_code)
        for href in re.findall(
            r'href="(/(?:agents|teams|programs)/[^"]*)"', response.content.decode()
        ):
            match = resolve(unquote(href.replace("&amp;", "&").split("?")[0]))
            assert match.kwargs.get("code") is not None


def test_a_nul_byte_in_a_drilldown_filter_is_a_bad_request(org, client):
    client.force_login(org.user("admin"))
    url = reverse("performance:evidence_team", args=[HOSTILE["T1"], "2026-W41", "aht"])
    response = client.get(url, {"topic": "billing\x00"})
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    response = client.get("/api/agents", {"team": "\x00"})
    assert response.status_code == 400
    assert "control character" in response.json()["detail"]


def test_a_nul_byte_in_a_code_is_not_found(org, client):
    client.force_login(org.user("admin"))
    assert client.get("/agents/A%00/").status_code == 404
