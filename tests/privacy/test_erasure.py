"""Erasure pseudonymises in place and keeps the numbers; a legal hold blocks it; the retention
schedule blanks old free text; a data-subject export holds everything about the person."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied

from factories import build_persona_org
from upswing.audit.models import AuditEvent
from upswing.audit.verify import verify_audit_trail
from upswing.cli import main
from upswing.coaching.models import ActionItem, CoachingSession
from upswing.org.models import Agent
from upswing.performance.models import ScorecardSnapshot
from upswing.privacy.actions import (
    ErasureBlocked,
    blank_plan_text,
    do_apply_retention,
    do_erase_person,
    do_lift_legal_hold,
    do_place_legal_hold,
)
from upswing.privacy.models import RetentionRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = build_persona_org()
    a1 = org.agents["A1"]
    session = CoachingSession.objects.create(
        agent=a1,
        coached_at=dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC),
        kind="one_to_one",
        topic="Empathy",
        metric="csat",
        notes="Alice said her mother is ill.",
        agent_comment="I disagree with the score.",
    )
    ActionItem.objects.create(session=session, description="Alice to shadow Peter")
    return org


def _run(*args):
    return CliRunner().invoke(main, ["privacy", *args])


def test_erasure_pseudonymises_in_place_and_keeps_the_numbers(org):
    a1 = org.agents["A1"]
    snapshots = ScorecardSnapshot.objects.filter(entity_code="A1").count()
    assert snapshots > 0
    out = _run("erase", "A1", "--reason", "request 2026-117")
    assert out.exit_code == 0, out.output
    a1.refresh_from_db()
    assert a1.name == f"Erased person #{a1.pk}"
    assert a1.email == ""
    assert a1.code == "A1"  # the key that joins the facts stays
    session = CoachingSession.objects.get(agent=a1)
    assert (session.notes, session.agent_comment) == ("", "")
    assert (session.topic, session.metric) == ("Empathy", "csat")  # aggregates still count it
    assert ActionItem.objects.get().description == "(removed)"
    user = org.user("agent")
    user.refresh_from_db()
    assert (user.username, user.email, user.is_active) == (f"erased-{a1.pk}", "", False)
    assert not user.has_usable_password()
    assert ScorecardSnapshot.objects.filter(entity_code="A1").count() == snapshots
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.changes["name"] == ["<hidden>", f"Erased person #{a1.pk}"]
    assert "Alice" not in json.dumps(event.changes)
    assert verify_audit_trail().ok


def test_a_legal_hold_blocks_erasure_until_lifted(org):
    a1 = org.agents["A1"]
    hold = do_place_legal_hold(a1, "tribunal claim 44/2026", actor="cli")
    out = _run("erase", "A1", "--reason", "request")
    assert out.exit_code == 1
    assert "A1 is under a legal hold: nothing was erased." in out.output
    assert Agent.objects.get(pk=a1.pk).name == "Alice Anders"
    do_lift_legal_hold(hold, actor="cli")
    do_erase_person(a1, actor="cli", reason="request")
    with pytest.raises(ErasureBlocked, match="erased already"):
        do_erase_person(a1, actor="cli", reason="again")
    assert [e.action for e in AuditEvent.objects.order_by("seq")][-3:] == [
        "privacy.hold.place",
        "privacy.hold.lift",
        "privacy.erase",
    ]


def test_only_hr_and_admins_erase(org):
    with pytest.raises(PermissionDenied):
        do_erase_person(org.agents["A1"], actor=org.user("lead"), reason="x")
    do_erase_person(org.agents["A1"], actor=org.user("hr"), reason="x")


def test_the_retention_schedule_is_data_and_skips_held_people(org):
    assert set(RetentionRule.objects.values_list("record_class", flat=True)) == {
        "coaching_notes",
        "action_items",
        "plan_records",
    }
    a4 = org.agents["A4"]
    CoachingSession.objects.create(
        agent=a4,
        coached_at=dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC),
        kind="training",
        notes="held notes",
    )
    do_place_legal_hold(a4, "claim", actor="cli")
    done = do_apply_retention(dt.date(2026, 11, 16), actor="cli")  # 2024-03 is > 730 days back
    assert done["coaching_notes"] == 1
    assert CoachingSession.objects.get(agent=org.agents["A1"]).notes == ""
    assert CoachingSession.objects.get(agent=a4).notes == "held notes"
    RetentionRule.objects.filter(record_class="coaching_notes").update(keep_days=5000)
    assert do_apply_retention(dt.date(2026, 11, 16), actor="cli")["coaching_notes"] == 0
    assert AuditEvent.objects.filter(action="privacy.retention.blank").count() == 2


def test_plan_narratives_are_blanked_and_numbers_kept():
    terms = {
        "problem_statement": "Alice misses",
        "goals": [{"behavior": "greets", "metric": "csat", "baseline": 70, "target": 80}],
        "meta": {"agent_name": "Alice Anders", "team_id": "T1"},
        "start_date": "2026-11-16",
    }
    assert blank_plan_text(terms) == {
        "problem_statement": "",
        "goals": [{"behavior": "", "metric": "csat", "baseline": 70, "target": 80}],
        "meta": {"agent_name": "", "team_id": "T1"},
        "start_date": "2026-11-16",
    }


def test_a_data_subject_export_holds_everything_about_the_person(org, tmp_path):
    out = _run("export", "A1")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["person"]["name"] == "Alice Anders"
    assert [s["notes"] for s in data["coaching_sessions"]] == ["Alice said her mother is ill."]
    assert [a["description"] for a in data["agreed_actions"]] == ["Alice to shadow Peter"]
    assert [m["team"] for m in data["memberships"]] == [org.teams["T1"].pk]
    assert {s["entity_code"] for s in data["scorecards"]} == {"A1"}
    assert AuditEvent.objects.filter(action="privacy.export").count() == 1
    if shutil.which("pdftotext") is None:
        pytest.skip("needs poppler-utils to read the PDF back")
    pdf = tmp_path / "a1.pdf"
    assert _run("export", "A1", "--format", "pdf", "--out", str(pdf)).exit_code == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Data held about Alice Anders (A1)" in text
    assert "Alice said her mother is ill." in text
