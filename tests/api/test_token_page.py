"""Each user's API tokens on a page: made (shown once), listed, revoked; one's own only."""

from __future__ import annotations

import re

from django.test import Client

from api.conftest import bearer
from upswing.api.actions import do_create_api_token
from upswing.api.models import ApiToken
from upswing.audit.models import AuditEvent

PAGE = "/account/api-tokens/"


def _signed_in(org, persona: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(org.user(persona))
    return client


def test_a_token_made_on_the_page_is_shown_once_and_works(org):
    client = _signed_in(org, "lead")
    made = client.post(PAGE, {"name": "BI export"})
    assert made.status_code == 200
    text = re.search(r'<code class="token" id="new-token">([^<]+)</code>', made.content.decode())
    assert text
    token = text.group(1)
    assert Client().get("/api/teams", **bearer(token)).status_code == 200
    again = client.get(PAGE).content.decode()
    assert "BI export" in again
    assert token not in again  # never shown again
    assert token[:12] in again  # its first characters tell it apart
    assert AuditEvent.objects.filter(action="api_token.create", actor=org.user("lead")).exists()


def test_a_user_revokes_their_own_token_and_not_anothers(org):
    mine = do_create_api_token(org.user("lead"), "mine", actor="test")
    theirs = do_create_api_token(org.user("manager"), "theirs", actor="test")
    client = _signed_in(org, "lead")
    assert client.post(PAGE, {"revoke": str(theirs.token.pk)}).status_code == 404
    assert client.post(PAGE, {"revoke": "nope"}).status_code == 404
    assert client.post(PAGE, {"revoke": str(mine.token.pk)}).status_code == 302
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert Client().get("/api/teams", **bearer(mine.text)).status_code == 401
    page = client.get(PAGE).content.decode()
    assert "theirs" not in page
    assert "revoked" in page


def test_bad_names_are_refused_with_a_reason(org):
    client = _signed_in(org, "hr")
    assert client.post(PAGE, {"name": "  "}).status_code == 400
    client.post(PAGE, {"name": "sync"})
    duplicate = client.post(PAGE, {"name": "sync"})
    assert duplicate.status_code == 400
    assert "already has an active token named" in duplicate.content.decode()
    assert client.post(PAGE, {"name": "x" * 101}).status_code == 400
    assert ApiToken.objects.filter(user=org.user("hr")).count() == 1


def test_the_page_needs_the_csrf_token(org):
    client = _signed_in(org, "lead", csrf=True)
    assert client.post(PAGE, {"name": "forged"}).status_code == 403
    assert not ApiToken.objects.filter(name="forged").exists()
