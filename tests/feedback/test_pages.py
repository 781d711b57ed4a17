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
