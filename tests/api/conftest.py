"""The persona org for API tests (built once per module, rolled back at its end) and clients
signed in by session or by bearer token."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from factories import build_persona_org, rolled_back_at_module_end
from upswing.api.actions import do_create_api_token


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_persona_org()


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def session_as(org):
    """A test client with the persona's session (anonymous: none)."""

    def sign_in(persona: str, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        if persona != "anonymous":
            client.force_login(org.user(persona))
        return client

    return sign_in


@pytest.fixture
def token_for(org):
    """A fresh bearer token (its text) for the persona."""

    def make(persona: str, name: str = "tests") -> str:
        return do_create_api_token(org.user(persona), name, actor="tests").text

    return make


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def call(client, token_for):
    """call(persona, method, path, body=None): one bearer token per persona per test."""
    tokens: dict[str, str] = {}

    def send(persona: str, method: str, path: str, body: dict | None = None):
        headers = {}
        if persona != "anonymous":
            if persona not in tokens:
                tokens[persona] = token_for(persona)
            headers = bearer(tokens[persona])
        if method == "GET":
            return client.get(path, **headers)
        data = json.dumps(body or {})
        return client.generic(method, path, data, content_type="application/json", **headers)

    return send
