"""The mapping editor: a mapping proposed for a sample export, and its first rows previewed
(whole page and htmx partial); a roster's time zone given on the upload form."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from upswing.imports.models import ImportRun, RunStatus
from upswing.org.models import Program

SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"


def _sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


def test_an_empty_mapping_is_proposed_and_previewed(admin_client):
    response = admin_client.post(
        "/imports/mapping/", {"kind": "interactions", "file": _sample("call_log.csv")}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "wait_seconds = { between = [&quot;Offered&quot;, &quot;Answered&quot;]" in text
    assert "<caption>The first rows, mapped</caption>" in text
    assert "The file was read as comma-separated, UTF-8." in text
    assert "<td>C-1001</td>" in text


def test_an_edited_mapping_is_previewed_with_its_conversions(admin_client):
    mapping = (SAMPLES / "calls_latin1.toml").read_text(encoding="utf-8")
    response = admin_client.post(
        "/imports/mapping/",
        {"kind": "interactions", "file": _sample("calls_latin1.csv"), "mapping": mapping},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<section class="card" id="mapping-preview"')
    assert "semicolon-separated, Windows-1252 (Latin-1)" in text
    assert "<td>270.0</td>" in text  # 00:04:30 in seconds
    assert "<td>José Müller</td>" not in text  # the interactions section maps no name


def test_a_mapping_mistake_is_said_in_words(admin_client):
    response = admin_client.post(
        "/imports/mapping/",
        {
            "kind": "interactions",
            "file": _sample("tickets.csv"),
            "mapping": '[interactions.columns]\ninteraction_id = "Nope"\n',
        },
    )
    text = response.content.decode()
    assert "gives no value for the required column(s) agent_id, started_at" in text
    assert "/tmp" not in text


@pytest.mark.parametrize("persona_code", [302, 403])
def test_only_admins_use_the_editor(client, db, persona_code):
    from factories import UserFactory

    if persona_code == 403:
        client.force_login(UserFactory(username="someone"))
    assert client.get("/imports/mapping/").status_code == persona_code


def test_a_roster_upload_takes_its_time_zone(
    admin_client, inline_jobs, django_capture_on_commit_callbacks
):
    content = b"agent_id,name,team_id,program_id\nA1,Ann,T1,P1\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/imports/",
            {
                "kind": "roster",
                "reader": "canonical",
                "time_zone": "America/Chicago",
                "file": SimpleUploadedFile("roster.csv", content),
            },
        )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.errors
    assert Program.objects.get(code="P1").time_zone == "America/Chicago"
    assert "Read as comma-separated, UTF-8." in run.warnings


def test_a_wrong_time_zone_is_refused_on_the_form(admin_client, inline_jobs):
    response = admin_client.post(
        "/imports/",
        {
            "kind": "roster",
            "reader": "canonical",
            "time_zone": "Mars/Olympus",
            "file": SimpleUploadedFile("roster.csv", b"agent_id\n"),
        },
    )
    assert response.status_code == 400
    assert "not an IANA time zone" in response.content.decode()
