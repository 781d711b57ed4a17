"""The directory lists every program and team a user may open, and nothing else; the
navigation links to it only when its own short lists are cut."""

from __future__ import annotations

import re

import pytest

from factories import ProgramFactory, TeamFactory, build_persona_org
from upswing.site.context_processors import NAV_LIMIT

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return build_persona_org(snapshots=False)


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="/(?:programs|teams)/([A-Z0-9-]+)/"', html))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"P1", "P2", "T1", "T2", "T3"}),
        ("manager", {"P1", "T1", "T2"}),
        ("lead", {"P1", "T1"}),
        ("client_viewer", {"P1"}),  # program numbers only: no team
        ("agent", set()),
    ],
)
def test_it_lists_exactly_what_the_user_may_open(client, org, persona, expected):
    client.force_login(org.user(persona))
    page = client.get("/programs/")
    assert page.status_code == 200
    main = page.content.decode().split("<main", 1)[1]
    assert _links(main) == expected


def test_the_navigation_links_to_it_only_beyond_its_limit(client, org):
    client.force_login(org.user("admin"))
    assert "All programs and teams" not in client.get("/programs/").content.decode()
    for i in range(NAV_LIMIT):
        program = ProgramFactory(code=f"PX{i:02d}", name=f"Extra {i:02d}", client=org.clients["C1"])
        TeamFactory(code=f"TX{i:02d}", name=f"Extra team {i:02d}", program=program)
    page = client.get("/programs/").content.decode()
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert "All programs and teams" in nav
    assert len(re.findall(r'href="/programs/[A-Z0-9-]+/"', nav)) == NAV_LIMIT
    assert len(_links(page.split("<main", 1)[1])) == 2 * (NAV_LIMIT + 2) + 1  # 14 P, 15 T
