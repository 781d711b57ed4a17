"""Feedback on the pages: the agent's tab, results with filters, and results as evidence on a
coaching session and a plan checkpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upswing.coaching.models import CoachingSession
from upswing.feedback import queries

LISTENS = "Listens to customers and colleagues before answering. Mean 4.2 on 1–5 from 6"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("agent", True), ("lead", True), ("hr", True), ("peer", False), ("qa", False)],
)
def test_evidence_follows_who_may_read_the_results(org, persona, expected):
    evidence = queries.evidence_for(org.user(persona), org.agents["A1"])
    lines = [line for item in evidence for line in item["lines"]]
    assert any(line.startswith(LISTENS) for line in lines) is expected
    # "owns": 4, 4, 3, 5, 4, 2 -> 3.7; the two questions nobody answered give no line.
    if expected:
        assert len(lines) == 2
        assert "Mean 3.7 on 1–5 from 6 anonymous raters." in lines[1]


def test_a_coaching_session_shows_the_feedback_as_evidence(org, login_as):
    session = CoachingSession.objects.create(
        agent=org.agents["A1"],
        coached_at=timezone.now() - dt.timedelta(days=1),
        kind="one_to_one",
        coach=org.user("lead"),
        topic="Listening",
    )
    text = login_as("lead").get(f"/coaching/sessions/{session.pk}/").content.decode()
    assert "360 feedback as evidence" in text
    assert LISTENS in text


def test_the_agents_tab_lists_results_and_notes_for_the_agent(org, login_as):
    text = login_as("agent").get("/agents/A1/feedback/").content.decode()
    assert "My feedback" in text
    assert "/feedback/cycles/9401/results/A1/" in text
    assert "Continuous feedback" in text
    manager = login_as("manager").get("/agents/A1/feedback/").content.decode()
    assert "/feedback/cycles/9401/results/A1/" in manager
    assert "Continuous feedback" not in manager  # the agent and their lead only


def test_the_group_filter_picks_rows_and_the_csv_follows_it(org, login_as):
    client = login_as("lead")
    page = client.get("/feedback/cycles/9401/results/A1/?group=peer").content.decode()
    assert '<th scope="row">Peers' in page
    assert '<th scope="row">Others' not in page
    assert '<th scope="row">All anonymous raters' not in page
    csv_text = client.get("/feedback/cycles/9401/results/A1/csv/?group=peer").content.decode()
    groups = {line.split(",")[-6] for line in csv_text.splitlines()[1:] if line}
    assert groups == {"Peers"}


def test_the_agents_scorecard_links_to_the_feedback_tab(org, login_as):
    text = login_as("agent").get("/agents/A1/").content.decode()
    assert 'href="/agents/A1/feedback/"' in text


def _export_rows(response) -> list[dict[str, str]]:
    import csv
    import io

    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_results_export_holds_the_page_and_follows_its_group_filter(org, login_as):
    client = login_as("lead")
    base = "/feedback/cycles/9401/results/A1/"
    page = client.get(base).content.decode()
    assert 'href="?export=csv&amp;table=feedback-9401-A1"' in page
    rows = _export_rows(client.get(f"{base}?group=peer&export=csv"))
    assert {r["Group"] for r in rows} == {"Peers"}
    comments = {r["Comment"] for r in rows if r["Comment"]} - {"too few to show"}
    assert all(f"<li>{text}</li>" in page for text in comments)
    hidden = any(r["Comment"] == "too few to show" for r in rows)
    assert hidden == ("Too few comments to show" in page)
    listens = next(r for r in rows if r["Question"].startswith("Listens") and not r["Comment"])
    assert listens["Raters"] == "6"


def test_the_results_export_never_shows_a_group_the_page_hides(org, login_as, settings):
    settings.UPSWING_FEEDBACK_MIN_RATERS = 7
    settings.UPSWING_FEEDBACK_MIN_COMMENTERS = 7
    client = login_as("lead")
    base = "/feedback/cycles/9401/results/A1/"
    page = client.get(f"{base}?group=peer").content.decode()
    assert "Too few raters to show" in page
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{base}?group=peer&export={fmt}")
        assert response.status_code == 200
        body = response.content
        assert b"Patient with callers." not in body
        assert b"Explains claims clearly." not in body
    rows = _export_rows(client.get(f"{base}?group=peer&export=csv"))
    assert rows
    assert {r["Raters"] for r in rows if not r["Comment"]} <= {"too few to show"}
    assert all(r["Mean"] == "" and r["Distribution"] == "" for r in rows)
    assert {r["Comment"] for r in rows if r["Comment"]} <= {"too few to show"}
