"""Nudges (once each, overdue ones up the line), the inbox, documents, reports and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from django.core import mail
from tests.plans.conftest import AS_OF
from tests.plans.test_workflow import draft, to_active

from upswing.cli import main
from upswing.plans import actions, documents, notify, reports
from upswing.plans.models import Notification, PlanState
from upswing.plans.nudges import send_nudges
from upswing.plans.rules import PlanTerms

pytestmark = pytest.mark.django_db


def set_emails(world):
    for name, user in world.users.items():
        user.email = f"{name}@example.com"
        user.save()


def test_a_nudge_before_a_checkpoint_is_sent_once_however_often_cron_runs(
    world, at, django_capture_on_commit_callbacks
):
    set_emails(world)
    plan = to_active(world, at)
    first = plan.checkpoints.order_by("due_on").first()
    mail.outbox.clear()
    with at(first.due_on - dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        report = send_nudges()
        again = send_nudges()
    assert report.due == 1
    assert report.created == 2
    assert again.created == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["agent@example.com", "lead@example.com"]
    assert "no plan details" in mail.outbox[0].body


def test_an_overdue_checkpoint_reaches_the_manager_and_hr(
    world, at, django_capture_on_commit_callbacks
):
    set_emails(world)
    plan = to_active(world, at)
    first = plan.checkpoints.order_by("due_on").first()
    with at(first.due_on + dt.timedelta(days=2)), django_capture_on_commit_callbacks(execute=True):
        send_nudges()
    overdue = Notification.objects.filter(kind="checkpoint_overdue", checkpoint=first)
    assert {n.recipient.username for n in overdue} == {"lead", "manager", "hr"}
    assert list(notify.inbox(world.user("manager")).filter(kind="checkpoint_overdue")) != []
    with at(first.due_on + dt.timedelta(days=2)):
        missed = reports.missed_checkpoints(world.user("manager"), first.due_on + dt.timedelta(2))
    assert [c.pk for c in missed] == [first.pk]
    assert not reports.missed_checkpoints(world.user("client_viewer"), first.due_on).exists()


def test_the_packet_as_pdf_word_and_calendar(world):
    plan = draft(world)
    terms = PlanTerms.from_dict(plan.versions.get().terms)
    pdf = documents.render_pdf(terms)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(documents.render_docx(terms))).paragraphs)
    assert terms.problem_statement in text
    assert "Goal 1:" in text
    from icalendar import Calendar

    events = Calendar.from_ical(documents.render_ics(terms, plan_id=plan.pk)).walk("VEVENT")
    assert len(events) == len(terms.checkpoints)
    assert events[0]["DTSTART"].dt.date() == terms.checkpoints[0]
    assert str(events[-1]["SUMMARY"]).startswith("Final review")


def test_reports_by_stage_checkins_and_outcomes(world, at):
    plan = to_active(world, at)
    first = plan.checkpoints.order_by("due_on").first()
    with at(first.due_on + dt.timedelta(days=1)):
        actions.do_record_checkpoint(
            first, expected_version=first.version, actor=world.user("lead"), coaching_notes="Late."
        )
    manager = world.user("manager")
    stages = reports.plans_by_stage(manager)
    assert stages["states"][PlanState.ACTIVE] == 1
    assert stages["total"] == 1
    assert reports.plans_by_stage(world.user("other_lead"))["total"] == 0
    rows = reports.checkins_by_lead(manager, first.due_on + dt.timedelta(days=8))
    assert rows == [
        {"lead": "lead", "due": 1, "completed": 1, "on_time": 0, "missed": 0, "on_time_share": 0.0},
        {
            "lead": "team T1",
            "due": 1,
            "completed": 0,
            "on_time": 0,
            "missed": 1,
            "on_time_share": 0.0,
        },
    ]
    plan.refresh_from_db()
    actions.do_close_plan(
        plan,
        outcome="withdrawn",
        reason="Left the company.",
        expected_version=plan.version,
        actor=world.user("hr"),
    )
    analytics = reports.outcome_analytics(manager)
    assert analytics["closed"] == 1
    assert analytics["by_metric"] == {"qa": {"withdrawn": 1}}


def test_cli_draft_lint_show_and_review(world, at, tmp_path):
    runner = CliRunner()
    drafted = runner.invoke(main, ["plan", "draft", "--agent", "A1", "--as-of", str(AS_OF)])
    assert drafted.exit_code == 0, drafted.output
    data = json.loads(drafted.stdout)
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(data))
    linted = runner.invoke(main, ["plan", "lint", str(good)])
    assert linted.exit_code == 0, linted.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "problem_statement": "Bad attitude.", "checkpoints": []}))
    linted = runner.invoke(main, ["plan", "lint", str(bad)])
    assert linted.exit_code == 1
    lines = linted.stdout.splitlines()
    assert any(line.startswith("error: vague-problem:") for line in lines)
    assert any(line.startswith("error: no-checkpoints:") for line in lines)
    plan = to_active(world, at)
    shown = runner.invoke(main, ["plan", "show", str(plan.pk)])
    assert shown.exit_code == 0
    assert "active" in shown.stdout
    reviewed = runner.invoke(
        main, ["plan", "review", str(plan.pk), "--as-of", str(plan.end_date), "--format", "json"]
    )
    assert reviewed.exit_code == 0, reviewed.output
    verdict = json.loads(reviewed.stdout)
    assert verdict["verdict"] in ("extend", "decide")
    assert verdict["reasons"]
    refused = runner.invoke(main, ["plan", "draft", "--agent", "A2", "--as-of", str(AS_OF)])
    assert refused.exit_code == 1
