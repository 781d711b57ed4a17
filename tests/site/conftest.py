"""Persona fixtures for the web shell's tests (the org itself is built in tests/factories.py).

The persona org is built once per test module inside a transaction that is rolled back at the
end of the module; each test runs in its own savepoint on top of it (pytest-django's `db`).
"""

from __future__ import annotations

import pytest

from factories import (
    build_coaching_records,
    build_persona_org,
    build_plan_records,
    rolled_back_at_module_end,
)
from quality_records import build_quality_records


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    from feedback.records import build_feedback_records

    with rolled_back_at_module_end(django_db_blocker):
        org = build_quality_records(build_plan_records(build_coaching_records(build_persona_org())))
        build_feedback_records(org)  # tests/feedback/records.py
        yield org


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def login_as(client, org):
    """A test client signed in as one persona (anonymous: not signed in)."""

    def sign_in(persona: str):
        if persona != "anonymous":
            client.force_login(org.user(persona))
        return client

    return sign_in
