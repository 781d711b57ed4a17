"""The persona org with its quality records, built once per module and rolled back at its end."""

from __future__ import annotations

import pytest

from factories import build_persona_org, rolled_back_at_module_end
from quality_records import build_quality_records


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_quality_records(build_persona_org(snapshots=False))


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def login_as(client, org):
    def sign_in(persona: str):
        client.logout()
        client.force_login(org.user(persona))
        return client

    return sign_in
