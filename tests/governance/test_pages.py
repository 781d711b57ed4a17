"""The governance pages over HTTP: who may change what, the report in every format, and
that nothing a client opens names an agent or another client's program."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from factories import AgentFactory, MembershipFactory, TeamFactory
from governance.conftest import add_event, month_value
from upswing.audit.models import AuditEvent
from upswing.cli import main
from upswing.governance.actions import do_accept_excuse
from upswing.governance.models import CorrectiveActionPlan, Excuse
from upswing.governance.queries import breach_report_for
from upswing.scorecards.models import ScorecardSnapshot

D = dt.date


@pytest.fixture
def breached(world):
    ScorecardSnapshot.objects.bulk_create(
        month_value(world.program, "fcr", D(2026, m, 1), v) for m, v in {9: 70, 10: 72}.items()
    )
    add_event(world.program, "E-OCT", D(2026, 10, 3), D(2026, 10, 4))
    team = TeamFactory(program=world.program, name="Night shift")
    MembershipFactory(agent=AgentFactory(name="Zora Quill"), team=team)
    return world


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_client_sees_breaches_and_a_plan_due_but_no_team_or_agent(client, breached):
    text = (
        signed_in(client, breached.users["viewer"])
        .get("/governance/programs/P-NY/")
        .content.decode()
    )
    assert "A corrective action plan is due" in text
    assert "Outage" in text
    assert "Zora Quill" not in text
    assert "Night shift" not in text
    assert "Accept as excuse" not in text  # a viewer reads only
    assert client.get("/governance/programs/P-OTHER/").status_code == 404


def test_the_governance_lead_accepts_an_excuse_over_http(client, breached):
    c = signed_in(client, breached.users["lead"])
    page = c.get("/governance/programs/P-NY/").content.decode()
    assert "Accept as excuse" in page
    response = c.post("/governance/programs/P-NY/excuses/", {"event_id": "E-OCT", "metric": "fcr"})
    assert response.status_code == 302
    assert Excuse.objects.filter(event_id="E-OCT", metric="fcr").exists()


@pytest.mark.parametrize("who", ["viewer", "vendor"])
def test_others_cannot_accept_an_excuse(client, breached, who):
    c = signed_in(client, breached.users[who])
    response = c.post("/governance/programs/P-NY/excuses/", {"event_id": "E-OCT"})
    assert response.status_code == 403
    assert not Excuse.objects.exists()


def test_another_clients_lead_gets_not_found(client, breached):
    c = signed_in(client, breached.users["other_lead"])
    assert c.post("/governance/programs/P-NY/excuses/", {"event_id": "E-OCT"}).status_code == 404


def test_the_vendor_opens_and_runs_the_plan_over_http(client, breached):
    c = signed_in(client, breached.users["vendor"])
    response = c.post("/governance/programs/P-NY/plans/")
    plan = CorrectiveActionPlan.objects.get()
    assert response["Location"] == f"/governance/programs/P-NY/plans/{plan.pk}/"
    url = response["Location"]
    c.post(
        url,
        {"op": "goal", "metric": "fcr", "baseline": "72", "target": "81", "due_on": "2027-01-31"},
    )
    c.post(
        url,
        {
            "op": "action",
            "description": "Rebuild the evening roster",
            "owner": "Workforce lead",
            "due_on": "2027-01-15",
        },
    )
    bad = c.post(url, {"op": "goal", "metric": "fcr", "target": "x", "due_on": "2027-01-31"})
    assert bad.status_code == 400
    assert "target" in bad.content.decode()
    page = c.get(url).content.decode()
    assert "Rebuild the evening roster" in page
    assert "Fcr" not in page
    assert plan.goals.count() == 1


def test_the_report_in_json_xlsx_and_pdf_names_no_agent(client, breached):
    c = signed_in(client, breached.users["viewer"])
    data = c.get("/governance/programs/P-NY/reports/2026-10/json/").json()
    [fcr] = [a for a in data["attainment"] if a["metric"] == "fcr"]
    assert (fcr["value"], fcr["verdict"]) == (72.0, "breach")
    assert data["allowance"]["count"] == 2
    assert data["allowance"]["escalation"] == "corrective_action"
    assert [e["event_id"] for e in data["events"]] == ["E-OCT"]
    assert "Zora Quill" not in json.dumps(data)
    xlsx = c.get("/governance/programs/P-NY/reports/2026-10/xlsx/")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:2] == ["SLA attainment", "Breaches"]
    assert [r[0] for r in book["Breaches"].iter_rows(min_row=2, values_only=True)] == [
        "First-contact resolution",
        "First-contact resolution",
    ]
    pdf = c.get("/governance/programs/P-NY/reports/2026-10/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert c.get("/governance/programs/P-NY/reports/2026-W40/").status_code == 404


def test_the_report_command_writes_each_format(breached, tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["governance", "report", "--program", "P-NY", "--month", "2026-10"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["month"] == "2026-10"
    target = tmp_path / "r.xlsx"
    args = ["governance", "report", "--program", "P-NY", "--month", "2026-10", "--format", "xlsx"]
    done = runner.invoke(main, [*args, "--out", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes()[:2] == b"PK"
    week = runner.invoke(main, ["governance", "report", "--program", "P-NY", "--month", "2026-W40"])
    assert week.exit_code == 2
    assert "give a month" in week.output


def test_the_api_reads_breaches_reports_and_plans_behind_the_same_door(client, breached):
    c = signed_in(client, breached.users["viewer"])
    body = c.get("/api/governance/programs/P-NY/breaches?as_of=2026-10-31").json()
    assert [(b["period"], b["count"], b["excused"]) for b in body["breaches"]] == [
        ("2026-09", 1, False),
        ("2026-10", 2, False),
    ]
    assert body["escalation"] == "corrective_action"
    assert c.get("/api/governance/programs/P-NY/reports/2026-10").json()["month"] == "2026-10"
    assert c.get("/api/governance/programs/P-NY/reports/2026-W40").status_code == 422
    assert c.get("/api/governance/programs/P-NY/plans").json() == []
    assert c.get("/api/governance/programs/P-OTHER/breaches").status_code == 404
    other = signed_in(client, breached.users["other_lead"])
    assert other.get("/api/governance/programs/P-NY/plans").status_code == 404


def _accepted(world):
    do_accept_excuse(world.program, "E-OCT", metric="fcr", actor=world.users["lead"])
    return Excuse.objects.get(event_id="E-OCT")


def _october(program):
    report = breach_report_for(program, D(2026, 10, 31))
    return next(b for b in report.breaches if b.result.label == "2026-10")


def test_the_governance_lead_withdraws_an_excuse_with_a_reason_and_it_counts_again(
    client, breached
):
    excuse = _accepted(breached)
    assert _october(breached.program).count is None  # excused: counts nothing
    c = signed_in(client, breached.users["lead"])
    page = c.get("/governance/programs/P-NY/").content.decode()
    url = f"/governance/programs/P-NY/excuses/{excuse.pk}/withdraw/"
    assert url in page
    form = c.get(url)
    assert form.status_code == 200
    assert "Why the excuse is withdrawn" in form.content.decode()
    refused = c.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why the excuse is withdrawn." in refused.content.decode()
    assert Excuse.objects.filter(pk=excuse.pk).exists()
    response = c.post(url, {"reason": "The outage was on the client's side only for a day."})
    assert response.status_code == 302
    assert response["Location"].endswith("#excuses")
    assert not Excuse.objects.filter(pk=excuse.pk).exists()
    event = AuditEvent.objects.get(action="governance.excuse_withdrawn")
    assert event.reason == "The outage was on the client's side only for a day."
    assert event.role == "client_governance_lead"
    assert event.object_id == str(excuse.pk)
    assert _october(breached.program).count == 2  # September and October count again
    assert c.post(url, {"reason": "again"}).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "vendor"])
def test_only_the_governance_lead_withdraws_an_excuse(client, breached, who):
    excuse = _accepted(breached)
    c = signed_in(client, breached.users[who])
    url = f"/governance/programs/P-NY/excuses/{excuse.pk}/withdraw/"
    assert f'href="{url}"' not in c.get("/governance/programs/P-NY/").content.decode()
    assert c.get(url).status_code == 403
    assert c.post(url, {"reason": "no"}).status_code == 403
    assert Excuse.objects.filter(pk=excuse.pk).exists()
    assert not AuditEvent.objects.filter(action="governance.excuse_withdrawn").exists()


def test_another_clients_lead_gets_not_found_for_the_excuse(client, breached):
    excuse = _accepted(breached)
    c = signed_in(client, breached.users["other_lead"])
    url = f"/governance/programs/P-NY/excuses/{excuse.pk}/withdraw/"
    assert c.post(url, {"reason": "no"}).status_code == 404
    assert Excuse.objects.filter(pk=excuse.pk).exists()


def test_withdrawing_needs_the_csrf_token(breached):
    from django.test import Client

    excuse = _accepted(breached)
    c = Client(enforce_csrf_checks=True)
    c.force_login(breached.users["lead"])
    url = f"/governance/programs/P-NY/excuses/{excuse.pk}/withdraw/"
    assert c.post(url, {"reason": "no token"}).status_code == 403
    assert Excuse.objects.filter(pk=excuse.pk).exists()
