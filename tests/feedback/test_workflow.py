"""A cycle from start to results through the actions, and continuous notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from factories import UserFactory
from upswing.audit.models import AuditEvent
from upswing.feedback import access, actions, queries
from upswing.feedback.models import (
    AnonymousNote,
    AnonymousSheet,
    AttributedSheet,
    Completion,
    Nomination,
    Reminder,
)
from upswing.feedback.reminders import send_feedback_reminders
from upswing.feedback.rules import FeedbackRuleError

from .pdf import pdf_text
from .records import template

TODAY = dt.date(2026, 11, 23)
pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), tick=False):
        yield


def _cycle(org, **kw):
    return actions.do_create_cycle(
        name="Q4 360",
        team=org.teams["T1"],
        template=template(),
        due_on=TODAY + dt.timedelta(days=10),
        agents=[org.agents["A1"]],
        actor=org.user("lead"),
        **kw,
    )


def test_starting_a_cycle_nominates_self_and_manager(org):
    cycle = _cycle(org)
    subject = cycle.subjects.get()
    got = {(n.rater.username, n.group, n.status) for n in subject.nominations.all()}
    assert got == {("agent", "self", "approved"), ("lead", "manager", "approved")}
    assert AuditEvent.objects.filter(action="feedback.cycle.create", object_id=cycle.pk).exists()


@pytest.mark.parametrize("persona", ["agent", "qa", "hr", "other_lead", "outsider"])
def test_only_the_teams_lead_or_manager_starts_a_cycle(org, persona):
    with pytest.raises(PermissionDenied):
        actions.do_create_cycle(
            name="x",
            team=org.teams["T1"],
            template=template(),
            due_on=TODAY,
            actor=org.user(persona),
        )


def test_a_cycle_may_raise_the_threshold_but_not_lower_it(org):
    with pytest.raises(actions.FeedbackRefused, match="not lower it below 5"):
        _cycle(org, min_raters=3)
    assert access.thresholds_of(_cycle(org, min_raters=8)).raters == 8


def test_the_subject_proposes_and_the_lead_approves(org):
    cycle = _cycle(org)
    subject = cycle.subjects.get()
    proposal = actions.do_nominate_rater(
        subject, rater=org.user("peer"), group="peer", actor=org.user("agent")
    )
    assert proposal.status == "proposed"
    with pytest.raises(PermissionDenied):
        actions.do_decide_nomination(proposal, approve=True, actor=org.user("agent"))
    actions.do_decide_nomination(proposal, approve=True, actor=org.user("lead"))
    assert Nomination.objects.get(pk=proposal.pk).status == "approved"
    with pytest.raises(actions.FeedbackRefused, match="already nominated"):
        actions.do_nominate_rater(
            subject, rater=org.user("peer"), group="other", actor=org.user("lead")
        )
    with pytest.raises(actions.FeedbackRefused, match="Direct reports rate only"):
        actions.do_nominate_rater(
            subject, rater=org.user("qa"), group="direct_report", actor=org.user("lead")
        )
    with pytest.raises(PermissionDenied):
        actions.do_nominate_rater(
            subject, rater=org.user("qa"), group="peer", actor=org.user("peer")
        )


def _full_cycle(org, peers: int):
    cycle = _cycle(org)
    subject = cycle.subjects.get()
    raters = [UserFactory(username=f"wf-peer{i}", password=None) for i in range(peers)]
    for rater in raters:
        actions.do_nominate_rater(subject, rater=rater, group="peer", actor=org.user("lead"))
    cycle = actions.do_open_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    for i, rater in enumerate(raters):
        nomination = Nomination.objects.get(subject=subject, rater=rater)
        answers = {"listens": 1 + i % 5, "keep": f"Keeps calm {i}"}
        actions.do_submit_answers(nomination, answers=answers, actor=rater)
    own = Nomination.objects.get(subject=subject, group="self")
    actions.do_submit_answers(own, answers={"listens": 5}, actor=org.user("agent"))
    return cycle, subject, raters


def test_anonymous_answers_keep_no_link_and_results_open_at_close(org):
    cycle, subject, raters = _full_cycle(org, peers=5)
    assert AnonymousSheet.objects.filter(subject=subject).count() == 5
    assert {f.name for f in AnonymousSheet._meta.get_fields()} == {
        "id",
        "subject",
        "group",
        "answers",
    }
    assert Completion.objects.filter(subject=subject).count() == 6
    assert AttributedSheet.objects.get(subject=subject).rater == org.user("agent")
    with pytest.raises(Http404):
        access.access_results(org.user("agent"), cycle.pk, "A1")  # still open
    nomination = Nomination.objects.get(subject=subject, rater=raters[0])
    with pytest.raises(actions.FeedbackRefused, match="answered for this person already"):
        actions.do_submit_answers(nomination, answers={"listens": 3}, actor=raters[0])
    actions.do_close_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    shown = access.access_results(org.user("agent"), cycle.pk, "A1")
    payload = queries.results_payload(shown)
    listens = payload["questions"][0]["groups"]
    cells = {c["group"]: c for c in listens}
    assert cells["self"]["mean"] == 5
    assert cells["peer"]["n"] == 5
    assert cells["peer"]["distribution"] == [1, 1, 1, 1, 1]
    keep = {b["group"]: b for b in payload["questions"][4]["comments"]}
    assert keep["peer"]["shown"] is False  # 5 comments < 7
    assert keep["peer"]["comments"] == []


def test_a_group_below_the_threshold_shows_nothing_anywhere(org, login_as):
    cycle, subject, _ = _full_cycle(org, peers=4)
    actions.do_close_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    payload = queries.results_payload(subject)
    cells = {c["group"]: c for c in payload["questions"][0]["groups"]}
    assert cells["peer"] == {
        "group": "peer",
        "label": "Peers",
        "privacy": "anonymous",
        "shown": False,
        "n": None,
        "mean": None,
        "distribution": None,
    }
    assert cells["all"]["shown"] is False
    page = login_as("lead").get(f"/feedback/cycles/{cycle.pk}/results/A1/").content.decode()
    assert "Too few raters to show" in page
    assert "Keeps calm" not in page
    pdf = login_as("lead").get(f"/feedback/cycles/{cycle.pk}/results/A1/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "Keeps calm" not in pdf_text(pdf.content)
    assert "Too few raters to show" in pdf_text(pdf.content)
    csv_text = queries.results_csv(subject)
    assert "Keeps calm" not in csv_text
    assert "too few to show" in csv_text


def test_the_cycle_refuses_answers_once_closed(org):
    cycle = _cycle(org)
    cycle = actions.do_open_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    own = Nomination.objects.get(subject__cycle=cycle, group="self")
    actions.do_close_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    with pytest.raises(actions.FeedbackRefused, match="not open"):
        actions.do_submit_answers(own, answers={"listens": 2}, actor=org.user("agent"))
    with pytest.raises(FeedbackRuleError, match="outside the scale"):
        actions.do_submit_answers(own, answers={"listens": 9}, actor=org.user("agent"))


def test_reminders_go_once_to_raters_who_have_not_answered(org):
    cycle = _cycle(org)
    actions.do_open_cycle(cycle, actor=org.user("lead"), expected_version=cycle.version)
    mine = Reminder.objects.filter(cycle=cycle)
    send_feedback_reminders(now=dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC))
    assert not mine.exists()  # nine days before the due date
    soon = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)  # 2 days before
    send_feedback_reminders(now=soon)
    assert {(r.recipient.username, r.key.split(":")[0]) for r in mine} == {
        ("agent", "feedback_due"),
        ("lead", "feedback_due"),
    }
    send_feedback_reminders(now=soon)
    assert mine.count() == 2
    nomination = Nomination.objects.get(subject__cycle=cycle, group="self")
    actions.do_submit_answers(nomination, answers={"listens": 4}, actor=org.user("agent"))
    send_feedback_reminders(now=dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC))
    overdue = mine.filter(key__startswith="feedback_overdue")
    assert [r.recipient.username for r in overdue] == ["lead"]  # the agent has answered


# --- continuous notes ------------------------------------------------------------------------


def test_named_notes_reach_the_subject_and_their_lead_only(org):
    note = actions.do_give_note(
        org.agents["A1"], text="Great save today.", kind="praise", anonymous=False,
        actor=org.user("peer"),
    )  # fmt: skip
    assert note.author == org.user("peer")
    readers = {p for p in ("agent", "lead", "peer", "manager", "hr", "admin", "other_lead")
               if access.reads_notes_of(org.user(p), org.agents["A1"])}  # fmt: skip
    assert readers == {"agent", "lead"}
    with pytest.raises(PermissionDenied):
        actions.do_give_note(
            org.agents["A4"], text="Hi", kind="praise", anonymous=False, actor=org.user("peer")
        )


def test_anonymous_notes_open_in_whole_batches_after_the_month(org):
    agent = org.agents["A2"]
    for i in range(6):
        actions.do_give_note(
            agent, text=f"Note {i}", kind="suggestion", anonymous=True, actor=org.user("agent")
        )
    assert set(AnonymousNote.objects.filter(agent=agent).values_list("month", flat=True)) == {
        dt.date(2026, 11, 1)
    }
    assert queries.released_notes(agent) == []  # November has not ended
    event = AuditEvent.objects.filter(action="feedback.note.anonymous").latest("id")
    assert event.actor_id is None
    assert event.actor_label == "anonymous"
    assert event.request_id == ""
    with time_machine.travel(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)):
        assert queries.released_notes(agent) == []  # 6 < 7
        actions.do_give_note(
            agent, text="Note 6", kind="praise", anonymous=True, actor=org.user("lead")
        )
    with time_machine.travel(dt.datetime(2027, 1, 2, tzinfo=dt.UTC)):
        batches = queries.released_notes(agent)
    assert len(batches) == 1
    assert batches[0]["size"] == 7
    assert batches[0]["released"] == "December 2026"
    assert sorted(n["text"] for n in batches[0]["notes"]) == [f"Note {i}" for i in range(7)]
