"""Exports hold exactly the page's rows: the same door, the same filters and sort, every page.

Per persona: the file's rows are the rows the page lists (never one the persona may not see),
the filters are in the file name, formula-like names are written as text, and each export is
an audit event.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from factories import AgentFactory, MembershipFactory
from upswing.audit.models import AuditEvent

WEEK = "2026-W41"
# The persona org's agents (tests/factories.py) and who may see each (tests/site VISIBLE).
AGENTS = {
    "A1": "Alice Anders",
    "A2": "Peter Pike",
    "A3": "Carl Crane",
    "A4": "Dora Dunmore",
    "A5": "Erin Evans",
}
VISIBLE_AGENTS = {
    "agent": {"A1"},
    "lead": {"A1", "A2", "A5"},
    "other_lead": {"A3", "A5"},
    "qa": {"A1", "A2", "A3", "A5"},
    "manager": {"A1", "A2", "A3", "A5"},
    "hr": {"A1", "A2", "A3", "A5"},
    "admin": set(AGENTS),
}
PEOPLE = ["lead", "other_lead", "qa", "manager", "hr", "admin"]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def names_in(rows: list[list], column: int = 0) -> list[str]:
    return [str(r[column]) for r in rows[1:]]


@pytest.mark.parametrize("persona", PEOPLE)
def test_the_coaching_queue_export_is_the_pages_rows(login_as, persona):
    client = login_as(persona)
    page = client.get("/coaching/?per=200")
    shown = [row.agent_name for row in page.context["table"].rows]
    exported = names_in(csv_rows(client.get("/coaching/?export=csv")))
    assert exported == shown
    assert exported, "every people role has a finding to coach in the persona org"
    allowed = {AGENTS[c] for c in VISIBLE_AGENTS[persona]}
    assert set(exported) <= allowed


@pytest.mark.parametrize("persona", ["lead", "other_lead", "hr", "admin"])
def test_a_team_export_lists_only_the_teams_agents_the_persona_sees(login_as, persona):
    client = login_as(persona)
    team = {"lead": "T1", "other_lead": "T2", "hr": "T2", "admin": "T1"}[persona]
    path = f"/teams/{team}/?period={WEEK}&metric=fcr"
    page = client.get(path)
    shown = [row.name for row in page.context["children_table"].rows]
    response = client.get(f"{path}&export=xlsx&table=agents-of-{team}-fcr")
    exported = [str(n).split(" (")[0] for n in names_in(xlsx_rows(response))]
    assert exported == shown
    assert exported
    assert set(exported) <= {AGENTS[c] for c in VISIBLE_AGENTS[persona]}


def test_a_plan_export_follows_the_plan_door(login_as):
    for persona, allowed in (("agent", {"A1"}), ("lead", {"A1", "A2", "A5"}), ("hr", None)):
        client = login_as(persona)
        page = client.get("/plans/")
        shown = [p.agent.name for p in page.context["table"].rows]
        exported = names_in(csv_rows(client.get("/plans/?export=csv")))
        assert exported == shown
        if allowed is not None:
            assert set(exported) <= {AGENTS[c] for c in allowed}


def test_the_export_keeps_the_pages_filter_and_sort_and_names_them(login_as):
    client = login_as("admin")
    response = client.get("/plans/?q=alice&sort=-start&page=2&export=csv")
    disposition = response["Content-Disposition"]
    assert "plans_q-alice_sort-start_" in disposition
    assert "page" not in disposition
    rows = csv_rows(response)
    assert rows[1:]
    assert all(r[0] == "Alice Anders" for r in rows[1:])
    unfiltered = names_in(csv_rows(client.get("/plans/?export=csv")))
    assert len(unfiltered) > len(rows) - 1


def test_every_export_is_an_audit_event(login_as, org):
    client = login_as("lead")
    before = AuditEvent.objects.filter(action="table.export").count()
    client.get("/coaching/?q=alice&export=xlsx")
    event = AuditEvent.objects.filter(action="table.export").latest("id")
    assert AuditEvent.objects.filter(action="table.export").count() == before + 1
    assert event.actor_id == org.user("lead").pk
    assert event.object_id == "coaching-queue"
    assert event.changes["format"] == [None, "xlsx"]
    assert event.changes["filters"][1] == {"q": "alice"}


def test_an_unknown_format_is_a_note_not_a_file(login_as):
    response = login_as("admin").get("/plans/?export=pdf")
    assert response.status_code == 200
    assert "not offered" in response.content.decode()


HOSTILE = '=HYPERLINK("http://evil.example","x")'


def test_formula_like_names_open_as_text_in_both_files(login_as, org):
    agent = AgentFactory(code="AX1", name=HOSTILE)
    MembershipFactory(agent=agent, team=org.teams["T1"])
    client = login_as("admin")
    path = f"/teams/T1/?period={WEEK}&metric=fcr&table=agents-of-T1-fcr&export="
    cells = [c for row in csv_rows(client.get(path + "csv")) for c in row]
    assert "'" + HOSTILE in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    book = load_workbook(io.BytesIO(client.get(path + "xlsx").content))
    values = [cell for row in book.active.iter_rows() for cell in row]
    hostile = [c for c in values if isinstance(c.value, str) and HOSTILE in c.value]
    assert hostile
    assert all(c.data_type == "s" and c.value.startswith("'") for c in hostile)
    assert not any(c.data_type == "f" for c in values)


def test_the_audit_trail_keeps_its_range_in_the_url_and_in_the_export(login_as, org):
    from django.db import transaction

    from upswing.audit.actions import record_event

    with transaction.atomic():
        record_event(actor=org.user("admin"), action="target.set", object_type="x", object_id="1")
    client = login_as("admin")
    assert client.get("/audit/?range=week").context["table"].slice.total >= 1
    empty = client.get("/audit/?range=quarter&at=2001-Q1")
    assert empty.context["table"].slice.total == 0
    assert "2001-Q1" in empty.content.decode()
    assert 'href="?range=quarter&amp;at=2001-Q2"' in empty.content.decode()
    response = client.get("/audit/?range=quarter&at=2001-Q1&export=csv")
    assert "range-quarter_at-2001-Q1" in response["Content-Disposition"]
    assert len(csv_rows(response)) == 1  # the header only
    bad = client.get("/audit/?range=custom&from=2026-13-01&to=x")
    assert bad.status_code == 200
    assert "not a date" in bad.content.decode()


def test_the_coaching_reports_follow_the_chosen_range(login_as):
    client = login_as("manager")
    default = client.get("/coaching/reports/")
    assert default.status_code == 200
    old = client.get("/coaching/reports/?range=month&at=2001-01")
    assert old.context["progress_table"].slice.total == 0
    assert "2001-01" in old.content.decode()


def test_the_audit_trail_searches_sorts_and_pages_in_the_database(login_as, org):
    from django.db import transaction

    from upswing.audit.actions import record_event

    with transaction.atomic():
        for n in range(30):
            record_event(actor=org.user("admin"), action=f"probe.{n:02d}", object_type="probe")
    client = login_as("admin")
    table = client.get("/audit/?q=probe.1&sort=action&per=25").context["table"]
    assert [e.action for e in table.rows] == [f"probe.{n}" for n in range(10, 20)]
    table = client.get("/audit/?q=probe&sort=-action&per=25&page=2").context["table"]
    assert (table.slice.total, table.slice.page, len(table.rows)) == (30, 2, 5)
    assert table.rows[-1].action == "probe.00"
    hostile = client.get("/audit/?sort=hash&page=-4&per=5000&q=%25")
    assert hostile.status_code == 200
    assert len(hostile.context["table"].state.notes) == 3
