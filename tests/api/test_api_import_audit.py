"""An import through the API audits every record it creates or changes, acted by the caller."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from upswing.audit.models import AuditEvent
from upswing.org.models import Agent


def test_an_api_roster_import_writes_one_event_per_record(session_as, warehouse_url):
    # Found: an API roster import wrote one summary event and nothing per record.
    text = "agent_id,name,team_id,program_id,time_zone\nZ1,Zoe,TZ,PZ,UTC\nZ2,Yan,TZ,PZ,UTC\n"
    client = session_as("admin")
    response = client.post(
        "/api/imports", {"kind": "roster", "file": SimpleUploadedFile("r.csv", text.encode())}
    )
    assert response.status_code == 200, response.content
    agents = AuditEvent.objects.filter(action="agent.import.create")
    assert sorted(e.object_id for e in agents) == sorted(
        str(pk) for pk in Agent.objects.filter(code__in=["Z1", "Z2"]).values_list("pk", flat=True)
    )
    assert {e.actor.username for e in agents} == {"admin"}
    assert AuditEvent.objects.filter(action="import.upload").count() == 1
