"""Signing in to the API: bearer tokens (stored only as a digest) and the session with CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from api.conftest import bearer
from upswing.api.actions import do_revoke_api_token
from upswing.api.models import ApiToken
from upswing.audit.models import AuditEvent
from upswing.cli import main

TARGET = {"program": "P1", "metric": "fcr", "sla_floor": 70, "kpi_target": 80,
          "source": "MSA §4.2", "effective_from": "2026-11-02"}  # fmt: skip


def test_a_valid_token_opens_the_users_scope_and_records_its_use(org, token_for):
    token = token_for("lead")
    response = Client().get("/api/teams", **bearer(token))
    assert response.status_code == 200
    assert [t["code"] for t in response.json()["items"]] == ["T1"]
    stored = ApiToken.objects.get(user=org.user("lead"))
    assert stored.last_used_at is not None


def test_the_token_is_never_stored_in_clear(org, token_for):
    token = token_for("manager")
    stored = ApiToken.objects.get(user=org.user("manager"))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = json.dumps(list(ApiToken.objects.filter(pk=stored.pk).values()), default=str)
    assert token not in row
    assert token[12:] not in row  # only the first characters are kept, to tell tokens apart
    event = AuditEvent.objects.get(action="api_token.create", object_id=str(stored.pk))
    assert token not in json.dumps(event.changes)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer upsw_wrong",
        "Bearer ",
        "Token something",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer " + "x" * 500,
    ],
)
def test_wrong_tokens_get_401(org, header):
    response = Client().get("/api/programs", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_token_gets_401_at_once(org, token_for):
    token = token_for("admin")
    client = Client()
    assert client.get("/api/programs", **bearer(token)).status_code == 200
    do_revoke_api_token(ApiToken.objects.get(user=org.user("admin")), actor="tests")
    assert client.get("/api/programs", **bearer(token)).status_code == 401


def test_a_token_of_a_deactivated_user_gets_401(org, token_for):
    token = token_for("hr")
    user = org.user("hr")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get("/api/programs", **bearer(token)).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(session_as):
    client = session_as("admin")
    assert client.get("/api/programs").status_code == 200
    assert client.get("/api/programs", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(org, token_for):
    token = token_for("qa")
    Client().get("/api/programs", **bearer(token))
    stamp = ApiToken.objects.get(user=org.user("qa")).last_used_at
    Client().get("/api/programs", **bearer(token))
    assert ApiToken.objects.get(user=org.user("qa")).last_used_at == stamp
    ApiToken.objects.filter(user=org.user("qa")).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2)
    )
    Client().get("/api/programs", **bearer(token))
    assert ApiToken.objects.get(user=org.user("qa")).last_used_at > stamp


def test_session_post_without_csrf_is_refused(session_as):
    client = session_as("manager", enforce_csrf=True)
    response = client.post("/api/targets", TARGET, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}


def test_session_post_with_csrf_goes_through(session_as):
    client = session_as("manager", enforce_csrf=True)
    client.get("/api/docs")  # a page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/targets", TARGET, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content


def test_token_post_needs_no_csrf(token_for):
    response = Client(enforce_csrf_checks=True).post(
        "/api/targets", TARGET, content_type="application/json", **bearer(token_for("manager"))
    )
    assert response.status_code == 201


def test_docs_need_a_session_and_the_schema_is_public(session_as):
    anonymous = session_as("anonymous")
    docs = anonymous.get("/api/docs")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/?next=")
    assert session_as("agent").get("/api/docs").status_code == 200
    schema = anonymous.get("/api/openapi.json").json()
    assert "/api/scorecards" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionWithCsrf"}


def test_cli_creates_lists_and_revokes_tokens(org):
    runner = CliRunner()
    made = runner.invoke(main, ["api-token", "create", "--user", "lead", "--name", "bi"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("upsw_")
    assert "not shown again" in made.stderr
    assert Client().get("/api/teams", **bearer(token)).status_code == 200
    listed = runner.invoke(main, ["api-token", "list", "--user", "lead"])
    assert "\tbi\t" in listed.stdout
    assert token not in listed.stdout
    again = runner.invoke(main, ["api-token", "create", "--user", "lead", "--name", "bi"])
    assert again.exit_code == 2
    revoked = runner.invoke(main, ["api-token", "revoke", "--user", "lead", "--name", "bi"])
    assert revoked.exit_code == 0, revoked.output
    assert Client().get("/api/teams", **bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor_label="cli").exists()
    missing = runner.invoke(main, ["api-token", "create", "--user", "nobody", "--name", "x"])
    assert missing.exit_code == 2


@pytest.fixture
def one_window(monkeypatch):
    """The throttle's clock held in the middle of one minute: its counters are per window, so
    calls that straddle a minute's end are counted in two (and the test would pass no 429)."""
    from types import SimpleNamespace

    held = (int(timezone.now().timestamp()) // 60) * 60 + 30.0
    monkeypatch.setattr("upswing.api.auth.time", SimpleNamespace(time=lambda: held))


def test_each_user_has_a_call_rate_and_gets_429_beyond_it(org, token_for, settings, one_window):
    from django.core.cache import cache

    cache.clear()
    settings.UPSWING_API_RATE = "3/min"
    lead, manager = bearer(token_for("lead")), bearer(token_for("manager"))
    statuses = [Client().get("/api/teams", **lead).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = Client().get("/api/teams", **lead)
    assert int(refused["Retry-After"]) > 0
    # Another user's allowance is their own; an anonymous call is refused before counting.
    assert Client().get("/api/teams", **manager).status_code == 200
    assert Client().get("/api/teams").status_code == 401
    cache.clear()


def test_the_schema_declares_the_429_on_every_operation(db):
    schema = Client().get("/api/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    assert all("429" in op["responses"] for op in operations)


def _redis_url() -> str | None:
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return None
    return url


def test_with_a_shared_cache_the_rate_counts_live_in_redis(org, token_for, settings, one_window):
    import secrets

    import redis

    url = _redis_url()
    if url is None:
        pytest.skip("no Redis server on 127.0.0.1:6379 for the shared-cache path")
    prefix = f"upswing-test-{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.UPSWING_API_RATE = "2/min"
    lead = bearer(token_for("lead"))
    statuses = [Client().get("/api/teams", **lead).status_code for _ in range(3)]
    store = redis.Redis.from_url(url)
    try:
        assert statuses == [200, 200, 429]
        # What any other worker would read: the user's two calls, in the shared store.
        keys = store.keys(f"{prefix}:*throttle_user_{org.user('lead').pk}:*")
        assert len(keys) == 1
    finally:
        for key in store.keys(f"{prefix}:*"):
            store.delete(key)
