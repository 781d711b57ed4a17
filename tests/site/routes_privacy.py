"""The privacy pages in the permission matrix: HR partners and admins, for agents they may
see (the same 404 otherwise); everyone else 403. Erase and hold are POST only (405 on GET);
tests/privacy/test_privacy_page.py covers them."""

from __future__ import annotations

from test_site_permissions import VISIBLE

AGENTS = ["A1", "A4"]


def _page(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    if persona not in {"hr", "admin"}:
        return 403
    return 200 if code in VISIBLE[persona] else 404


def _post_only(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 405


def _paths(suffix: str) -> list[tuple[str, str]]:
    return [(f"/privacy/agents/{code}/{suffix}", code) for code in AGENTS]


ROUTES = {
    "privacy:person": (_paths(""), _page),
    "privacy:export_json": (_paths("export.json"), _page),
    "privacy:export_pdf": (_paths("export.pdf"), _page),
    "privacy:erase": (_paths("erase/"), _post_only),
    "privacy:hold": (_paths("hold/"), _post_only),
}
