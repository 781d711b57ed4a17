"""POST /api/targets (a new version through targets.actions) and POST /api/imports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from api.conftest import bearer
from upswing.audit.models import AuditEvent
from upswing.performance.models import Target

NEW = {"program": "P1", "metric": "fcr", "sla_floor": 70, "kpi_target": 80,
       "source": "MSA §4.2", "effective_from": "2026-11-02"}  # fmt: skip


def post(client, body, **extra):
    return client.post("/api/targets", body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 201),
        ("admin", 201),
        ("lead", 403),
        ("qa", 403),
        ("hr", 403),
        ("client_viewer", 403),
        ("other_client_viewer", 404),
        ("agent", 404),
        ("outsider", 404),
    ],
)
def test_who_may_add_a_target_version(session_as, persona, status):
    response = post(session_as(persona), NEW)
    assert response.status_code == status, response.content
    created = Target.objects.filter(program__code="P1", metric="fcr").count()
    assert created == (1 if status == 201 else 0)


def test_a_new_version_is_audited_and_points_at_the_previous_one(session_as, org):
    client = session_as("manager")
    first = post(client, {**NEW, "effective_from": "2026-01-01"}).json()
    assert first["previous"] is None
    second = post(client, {**NEW, "kpi_target": 82}).json()
    assert second["previous"]["id"] == first["target"]["id"]
    assert second["target"]["kpi_target"] == 82
    event = AuditEvent.objects.get(action="target.set", object_id=str(second["target"]["id"]))
    assert event.actor == org.user("manager")
    assert event.changes["kpi_target"] == [80.0, 82.0]
    assert client.get(f"/api/targets/{second['target']['id']}").json()["kpi_target"] == 82


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"sla_floor": 90}, "stricter"),
        ({"sla_floor": None, "kpi_target": None}, "give an SLA floor"),
        ({"metric": "volume"}, "no better direction"),
        ({"team": "T3"}, "no team with that code"),
        ({"metric": "speed"}, None),
        ({"sla_floor": "NaN"}, None),
        ({"effective_from": "someday"}, None),
    ],
)
def test_bad_versions_are_422_and_write_nothing(session_as, change, words):
    response = post(session_as("admin"), {**NEW, **change})
    assert response.status_code == 422
    if words:
        assert words in response.json()["detail"]
    assert not Target.objects.filter(program__code="P1", metric="fcr").exists()


def test_a_second_version_on_the_same_day_is_422(session_as):
    client = session_as("manager")
    assert post(client, NEW).status_code == 201
    again = post(client, {**NEW, "kpi_target": 85})
    assert again.status_code == 422
    assert "effective_from" in again.json()["detail"]


def test_a_race_on_the_same_day_is_409(session_as, monkeypatch):
    def lose_the_race(**_kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr("upswing.api.targets.do_set_target", lose_the_race)
    response = post(session_as("manager"), NEW)
    assert response.status_code == 409


def test_targets_list_filters(session_as):
    client = session_as("admin")
    post(client, NEW)
    post(client, {**NEW, "program": "P2", "metric": "aht", "sla_floor": 600, "kpi_target": 400})
    assert [t["program"] for t in client.get("/api/targets?program=P2").json()["items"]] == ["P2"]
    assert client.get("/api/targets?metric=fcr").json()["count"] == 1
    assert client.get("/api/targets?metric=speed").status_code == 422
    assert client.get("/api/targets/999999").status_code == 404


# --- imports -------------------------------------------------------------------------------

ROSTER = (
    "agent_id,name,team_id,program_id,program_name,client_name,time_zone\n"
    "Z1,Zoe Zhang,TZ,PZ,Zeta,Zeta Corp,UTC\n"
    "Z2,Yan Yu,TZ,PZ,Zeta,Zeta Corp,UTC\n"
)


def upload(client, text: str, kind: str = "roster", name: str = "roster.csv", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, text.encode())}
    return client.post("/api/imports", data, **extra)


def test_an_admin_imports_a_file_and_the_import_is_audited(session_as, warehouse_url):
    response = upload(session_as("admin"), ROSTER, name="../../etc/roster.csv")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["rows_read"], body["inserted"]) == ("roster", 2, 2)
    assert body["file_name"] == "roster.csv"
    event = AuditEvent.objects.get(action="import.upload")
    assert event.object_id == body["batch_id"]
    assert event.changes["inserted"] == [None, 2]


def test_a_rejected_file_is_422_with_the_problems_and_nothing_written(session_as, warehouse_url):
    bad = ROSTER + "Z3,,TZ,PZ,Zeta,Zeta Corp,UTC\n"
    response = upload(session_as("admin"), bad, name="people.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["problem_count"] == 1
    assert body["problems"][0]["line"] == 4
    assert body["problems"][0]["column"] == "name"
    assert body["groups"] == [
        {
            "column": "name",
            "reason": "required value is missing",
            "count": 1,
            "lines": [4],
            "value": None,
        }
    ]
    assert body["file_name"] == "people.csv"
    assert "nothing was imported" in body["detail"]
    assert not AuditEvent.objects.filter(action="import.upload").exists()


def test_only_admins_import(session_as, token_for):
    assert upload(session_as("manager"), ROSTER).status_code == 403
    assert upload(session_as("anonymous"), ROSTER).status_code == 401
    assert upload(session_as("admin"), ROSTER, kind="payroll").status_code == 422


def test_an_import_by_token_needs_no_csrf(session_as, token_for, warehouse_url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = upload(client, ROSTER, **bearer(token_for("admin")))
    assert response.status_code == 200
