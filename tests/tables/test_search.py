"""Search: people, teams and programs by name or id, only what the user may open."""

from __future__ import annotations

import pytest

# Who may open what (tests/site/test_site_permissions.py VISIBLE, copied for this module).
VISIBLE = {
    "agent": {"A1"},
    "lead": {"P1", "T1", "A1", "A2", "A5"},
    "other_lead": {"P1", "T2", "A3", "A5"},
    "hr": {"P1", "T1", "T2", "A1", "A2", "A3", "A5"},
    "client_viewer": {"P1"},
    "admin": {"P1", "P2", "T1", "T2", "T3", "A1", "A2", "A3", "A4", "A5"},
    "outsider": set(),
}
NAMES = {
    "A1": "Alice Anders",
    "A3": "Carl Crane",
    "A4": "Dora Dunmore",
    "T2": "Claims South",
    "T3": "Care East",
    "P2": "Telco care",
}
KIND = {"A": "agents", "T": "teams", "P": "programs"}


def _link(code: str) -> str:
    return f"/{KIND[code[0]]}/{code}/"


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("code", sorted(NAMES))
def test_search_finds_by_name_only_what_the_user_may_open(login_as, persona, code):
    text = login_as(persona).get("/search/", {"q": NAMES[code]}).content.decode()
    if code in VISIBLE[persona]:
        assert f'href="{_link(code)}"' in text
    else:
        assert f'href="{_link(code)}"' not in text
        results = text.split('id="search-results"')[1].split("</section>")[0]
        assert NAMES[code] not in results.replace(f"“{NAMES[code]}”", "")


@pytest.mark.parametrize(("persona", "code"), [("lead", "A2"), ("admin", "A4"), ("hr", "T2")])
def test_search_finds_by_id(login_as, persona, code):
    text = login_as(persona).get("/search/", {"q": code.lower()}).content.decode()
    assert f'href="{_link(code)}"' in text


def test_every_word_must_match(login_as):
    client = login_as("admin")
    assert 'href="/agents/A1/"' in client.get("/search/", {"q": "anders ALI"}).content.decode()
    assert 'href="/agents/A1/"' not in client.get("/search/", {"q": "alice crane"}).content.decode()


def test_a_client_viewer_finds_the_program_but_no_team_or_person(login_as):
    text = login_as("client_viewer").get("/search/", {"q": "claims"}).content.decode()
    assert 'href="/programs/P1/"' in text
    assert "/teams/" not in text.split("<main")[1]
    assert "/agents/" not in text.split("<main")[1]


def test_a_short_search_says_why_nothing_is_listed(login_as):
    text = login_as("admin").get("/search/", {"q": "a"}).content.decode()
    assert "at least 2 characters" in text


@pytest.mark.parametrize("q", ["%", "_", "' OR 1=1 --", "x" * 5000, "<script>"])
def test_hostile_searches_answer_calmly(login_as, q):
    response = login_as("admin").get("/search/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_a_percent_sign_is_a_character_not_a_wildcard(login_as):
    text = login_as("admin").get("/search/", {"q": "%%"}).content.decode()
    assert 'href="/agents/' not in text.split("<main")[1]


def test_the_navigation_box_gets_a_fragment_over_htmx(login_as):
    response = login_as("lead").get(
        "/search/", {"q": "alice"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-suggest"
    )
    text = response.content.decode()
    assert "<html" not in text
    assert 'href="/agents/A1/"' in text
    assert "HX-Target" in response["Vary"]


def test_the_search_box_is_in_the_navigation(login_as):
    text = login_as("agent").get("/search/").content.decode()
    assert 'id="nav-search-q"' in text
    assert 'hx-get="/search/"' in text


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/search/", {"q": "alice"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
