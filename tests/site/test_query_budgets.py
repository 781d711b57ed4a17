"""Query budgets: every page and API list of the permission matrix runs a known number of
queries for a persona who may open it (NetBox's habit). The counts live in one file,
query_budgets.json, so a change that adds queries to a page — an N+1 on a list — fails here.

When a new count is right (a page gained a panel, say), rewrite the file and commit it:
UPSWING_WRITE_QUERY_BUDGETS=1 pytest tests/site/test_query_budgets.py -p no:randomly
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from test_site_permissions import ROUTES

BUDGETS_FILE = Path(__file__).with_name("query_budgets.json")
WRITE = os.environ.get("UPSWING_WRITE_QUERY_BUDGETS") == "1"
# The first of these who may open a route (status 200) is the one whose queries are counted:
# people roles first, as they read the widest scoped lists.
ORDER = ("manager", "lead", "hr", "qa", "agent", "client_viewer", "admin", "outsider")


def _case(route: str) -> tuple[str, str] | None:
    paths, expected = ROUTES[route]
    for persona in ORDER:
        for path, code in paths:
            if expected(persona, code) == 200:
                return persona, path
    return None


CASES = [pytest.param(route, *case, id=route) for route in sorted(ROUTES) if (case := _case(route))]


def _budgets() -> dict[str, dict]:
    return json.loads(BUDGETS_FILE.read_text()) if BUDGETS_FILE.exists() else {}


@pytest.mark.parametrize(("route", "persona", "path"), CASES)
def test_a_page_runs_its_budgeted_queries(login_as, route, persona, path):
    client = login_as(persona)
    client.get(path)  # the session and the grants, read once per sign-in, are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, f"{persona} GET {path}"
    count = len(captured.captured_queries)
    if WRITE:
        budgets = _budgets()
        budgets[route] = {"persona": persona, "path": path, "queries": count}
        BUDGETS_FILE.write_text(json.dumps(dict(sorted(budgets.items())), indent=2) + "\n")
        return
    budget = _budgets().get(route)
    assert budget is not None, f"{route} has no query budget: see this module's docstring"
    assert (budget["persona"], budget["path"]) == (persona, path)
    queries = "\n".join(q["sql"] for q in captured.captured_queries)
    assert count == budget["queries"], (
        f"{persona} GET {path}: {count} queries, budget {budget['queries']}\n{queries}"
    )


def test_every_budget_belongs_to_a_route():
    assert set(_budgets()) <= {c.id for c in CASES}
