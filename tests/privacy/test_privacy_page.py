"""HR's privacy page: holds, exports and erasure of people they may see."""

from __future__ import annotations

import pytest

from factories import build_persona_org
from upswing.audit.models import AuditEvent
from upswing.org.models import Agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return build_persona_org(snapshots=False)


def test_hr_places_a_hold_which_blocks_erasure_then_erases(client, org):
    client.force_login(org.user("hr"))
    page = client.get("/privacy/agents/A1/")
    assert page.status_code == 200
    assert "No legal hold." in page.content.decode()
    client.post("/privacy/agents/A1/hold/", {"reason": "claim 12/2026"})
    blocked = client.post("/privacy/agents/A1/erase/", {"reason": "request"}, follow=True)
    assert "A1 is under a legal hold: nothing was erased." in blocked.content.decode()
    assert Agent.objects.get(code="A1").name == "Alice Anders"
    client.post("/privacy/agents/A1/hold/")  # lift
    done = client.post("/privacy/agents/A1/erase/", {"reason": "request 7"}, follow=True)
    assert "pseudonymised" in done.content.decode()
    a1 = Agent.objects.get(code="A1")
    assert a1.name == f"Erased person #{a1.pk}"
    assert AuditEvent.objects.get(action="privacy.erase").actor_label == "hr"


def test_the_export_downloads_and_is_audited(client, org):
    client.force_login(org.user("hr"))
    response = client.get("/privacy/agents/A1/export.json")
    assert response.status_code == 200
    assert response.json()["person"]["code"] == "A1"
    assert AuditEvent.objects.filter(action="privacy.export", actor_label="hr").count() == 1


def test_hr_of_another_client_and_other_roles_cannot(client, org):
    client.force_login(org.user("hr"))
    assert client.post("/privacy/agents/A4/erase/", {"reason": "x"}).status_code == 404
    client.force_login(org.user("lead"))
    assert client.post("/privacy/agents/A1/erase/", {"reason": "x"}).status_code == 403
    assert Agent.objects.get(code="A1").name == "Alice Anders"
