"""API tokens with an expiry and a read-only scope."""

from __future__ import annotations

import datetime as dt

import time_machine
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from upswing.api.actions import do_create_api_token
from upswing.api.models import ApiToken
from upswing.cli import main
from upswing.performance.models import Target

TARGET = {"program": "P1", "metric": "aht", "kpi_target": 300, "effective_from": "2026-12-01"}


def _bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_an_expired_token_is_refused(org):
    expires = timezone.now() + dt.timedelta(days=1)
    made = do_create_api_token(org.user("manager"), "short", actor="tests", expires_at=expires)
    assert Client().get("/api/teams", **_bearer(made.text)).status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        assert Client().get("/api/teams", **_bearer(made.text)).status_code == 401


def test_a_read_only_token_reads_and_changes_nothing(org):
    made = do_create_api_token(org.user("manager"), "bi", actor="tests", read_only=True)
    assert Client().get("/api/teams", **_bearer(made.text)).status_code == 200
    before = Target.objects.count()
    response = Client().post(
        "/api/targets", TARGET, content_type="application/json", **_bearer(made.text)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This token is read-only: it may not change anything."
    assert Target.objects.count() == before
    full = do_create_api_token(org.user("manager"), "ops", actor="tests")
    response = Client().post(
        "/api/targets", TARGET, content_type="application/json", **_bearer(full.text)
    )
    assert response.status_code == 201, response.content


def test_the_cli_makes_expiring_read_only_tokens(org):
    out = CliRunner().invoke(
        main,
        [
            "api-token",
            "create",
            "--user",
            "manager",
            "--name",
            "bi",
            "--expires-in-days",
            "30",
            "--read-only",
        ],
    )
    assert out.exit_code == 0, out.output
    token = ApiToken.objects.get(name="bi")
    assert token.read_only
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
