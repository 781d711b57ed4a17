"""The persona org with coaching and plan records, built once per module, rolled back at its end."""

from __future__ import annotations

import pytest

from factories import (
    build_coaching_records,
    build_persona_org,
    build_plan_records,
    rolled_back_at_module_end,
)


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_plan_records(build_coaching_records(build_persona_org()))


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def login_as(client, org):
    def sign_in(persona: str):
        client.logout()
        if persona != "anonymous":
            client.force_login(org.user(persona))
        return client

    return sign_in
