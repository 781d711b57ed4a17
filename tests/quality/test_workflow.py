"""The quality loop through its pages: score, acknowledge, dispute, decide; template versions;
blind calibration; SOP signals and team training. Every action leaves its audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upswing.audit.models import AuditEvent
from upswing.quality.actions import MarkInput, do_draw_sample, do_edit_template, do_score_evaluation
from upswing.quality.calibration_actions import do_check_sop_signals
from upswing.quality.models import (
    CalibrationSession,
    Dispute,
    Evaluation,
    SampleItem,
    ScorecardTemplate,
    SignalStatus,
    SopSignal,
    TemplateVersion,
)
from upswing.quality.rules.signals import SignalConfig

pytestmark = pytest.mark.django_db


def _audited(action: str, obj) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).exists()


def test_a_qa_analyst_scores_a_sampled_interaction_and_the_server_computes_the_score(login_as):
    client = login_as("qa")
    page = client.get("/quality/queue/")
    assert b"S-9601" in page.content
    form = client.get("/quality/queue/9601/")
    assert b"Verifies identity" in form.content
    response = client.post(
        "/quality/queue/9601/",
        {
            "c-greet": "1",
            "c-greet-comment": "Used the customer's name.",
            "c-verify": "1",
            "c-explain": "2",
            "recording_url": "https://recordings.example.com/S-9601",
            "score": "100",  # ignored: the server computes the score
        },
    )
    evaluation = Evaluation.objects.get(interaction_id="S-9601")
    assert response.status_code == 302
    assert response["Location"] == f"/quality/evaluations/{evaluation.pk}/"
    assert evaluation.score == pytest.approx(20 + 30 + 25)
    assert evaluation.marks.get(criterion="greet").comment == "Used the customer's name."
    assert SampleItem.objects.get(pk=9601).status == "scored"
    assert _audited("quality.evaluation.score", evaluation)


def test_a_missing_mark_is_refused_with_its_criterion_named(login_as):
    response = login_as("qa").post("/quality/queue/9601/", {"c-greet": "1", "c-verify": "1"})
    assert response.status_code == 200
    assert "Mark “Explains the claim status”".encode() in response.content
    assert not Evaluation.objects.filter(interaction_id="S-9601").exists()


def test_only_a_qa_analyst_scores(login_as, org):
    assert login_as("manager").get("/quality/queue/9601/").status_code == 404
    version = TemplateVersion.objects.get(pk=9401)
    with pytest.raises(Exception, match="QA analyst"):
        do_score_evaluation(
            version=version,
            agent=org.agents["A1"],
            program=org.programs["P1"],
            interaction_id="x",
            interaction_day=dt.date(2026, 10, 14),
            marks={"greet": MarkInput(1), "verify": MarkInput(1), "explain": MarkInput(4)},
            actor=org.user("lead"),
        )


def test_the_agent_acknowledges_their_evaluation_and_a_peer_cannot_see_it(login_as, org):
    evaluation = Evaluation.objects.get(pk=9502)
    evaluation.agent = org.agents["A1"]
    evaluation.save(update_fields=["agent"])
    client = login_as("agent")
    assert b"Acknowledge" in client.get("/quality/evaluations/9502/").content
    client.post("/quality/evaluations/9502/acknowledge/", {"version": evaluation.version})
    evaluation.refresh_from_db()
    assert evaluation.status == "acknowledged"
    assert _audited("quality.evaluation.acknowledge", evaluation)
    assert login_as("peer").get("/quality/evaluations/9502/").status_code == 404


def test_dispute_then_the_evaluator_may_not_decide_but_another_arbitrator_does(login_as):
    evaluation = Evaluation.objects.get(pk=9501)
    client = login_as("agent")
    client.post(
        "/quality/evaluations/9501/dispute/",
        {
            "criterion": "explain",
            "reason": "I did explain the status.",
            "version": evaluation.version,
        },
    )
    dispute = Dispute.objects.get(evaluation=evaluation, criterion="explain")
    assert _audited("quality.dispute.raise", dispute)
    before = Evaluation.objects.get(pk=9501).score

    # The QA analyst scored it: the decision form is not offered and a POST is refused.
    qa = login_as("qa")
    assert b"Waiting for an arbitrator" in qa.get("/quality/evaluations/9501/").content
    assert (
        qa.post(
            f"/quality/disputes/{dispute.pk}/decide/", {"outcome": "accepted", "note": "x"}
        ).status_code
        == 403
    )
    assert Evaluation.objects.get(pk=9501).score == before

    manager = login_as("manager")
    manager.post(
        f"/quality/disputes/{dispute.pk}/decide/",
        {"outcome": "partly_accepted", "partial_points": "4", "note": "Full points need 4"},
    )
    dispute.refresh_from_db()
    assert dispute.outcome == ""  # 4 is the full mark: not a partial acceptance
    manager.post(
        f"/quality/disputes/{dispute.pk}/decide/",
        {"outcome": "accepted", "note": "The status was explained at 03:40."},
    )
    dispute.refresh_from_db()
    after = Evaluation.objects.get(pk=9501)
    assert dispute.outcome == "accepted"
    assert dispute.points_before == 3
    assert dispute.points_after == 4
    assert after.score == pytest.approx(before + 50 / 4)
    assert after.first_score == before
    event = AuditEvent.objects.get(action="quality.dispute.decide", object_id=str(dispute.pk))
    assert event.changes["score"] == [before, after.score]


def test_editing_a_template_in_use_makes_a_new_version_and_old_evaluations_keep_theirs(org):
    template = ScorecardTemplate.objects.get(pk=9401)
    definition = dict(TemplateVersion.objects.get(pk=9401).definition)
    definition["sections"][0]["criteria"][2]["sop"] = {"reference": "SOP-CL-12", "version": "4"}
    signal = SopSignal.objects.create(
        program=template.program,
        template_version_id=9401,
        criterion="explain",
        criterion_label="Explains the claim status",
        sop_reference="SOP-CL-12",
        sop_version="3",
        window_first=dt.date(2026, 10, 5),
        window_last=dt.date(2026, 11, 1),
        evidence={},
        summary="…",
    )
    version = do_edit_template(
        template,
        definition=definition,
        change_note="SOP-CL-12 v4 adds the appeal step",
        expected_number=1,
        actor=org.user("qa"),
    )
    assert version.number == 2
    assert Evaluation.objects.get(pk=9501).template_version_id == 9401
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DONE
    assert "SOP-CL-12 v3 → SOP-CL-12 v4" in signal.done_note
    assert _audited("quality.signal.done", signal)
    assert _audited("quality.template.new_version", version)


def test_an_unused_version_is_corrected_in_place_and_bad_weights_are_refused(login_as, org):
    client = login_as("manager")
    definition = (
        '{"categories": [], "sections": [{"key": "s", "label": "S", "criteria": ['
        '{"key": "a", "label": "A", "weight": 60}, {"key": "b", "label": "B", "weight": 30}]}]}'
    )
    response = client.post(
        "/quality/programs/P1/templates/",
        {"name": "Chat QA", "channel": "chat", "definition": definition},
    )
    assert b"sum to 90, not 100" in response.content
    fixed = definition.replace('"weight": 30', '"weight": 40')
    response = client.post(
        "/quality/programs/P1/templates/",
        {"name": "Chat QA", "channel": "chat", "definition": fixed},
    )
    template = ScorecardTemplate.objects.get(name="Chat QA")
    assert response["Location"] == f"/quality/templates/{template.pk}/"
    client.post(
        f"/quality/templates/{template.pk}/",
        {"definition": fixed.replace('"A"', '"Apologises"'), "change_note": "wording", "number": 1},
    )
    assert template.versions.count() == 1
    assert template.current().definition["sections"][0]["criteria"][0]["label"] == "Apologises"
    assert _audited("quality.template.create", template)
    assert _audited("quality.template.correct", template.current())


def test_blind_calibration_with_three_evaluators(login_as, org):
    manager = login_as("manager")
    users = [org.user(p) for p in ("qa", "manager", "client_viewer")]
    response = manager.post(
        "/quality/programs/P1/calibrations/",
        {
            "title": "November calibration",
            "interactions": "K-1 https://rec.example.com/K-1\nK-2\nK-3",
            "participants": [str(u.pk) for u in users],
        },
    )
    session = CalibrationSession.objects.get(title="November calibration")
    assert response.status_code == 302
    items = list(session.items.order_by("pk"))
    plans = {
        "qa": [(1, 1, 4), (0, 1, 2), (1, 1, 3)],
        "manager": [(1, 1, 4), (0, 1, 1), (1, 1, 3)],
        "client_viewer": [(1, 1, 3), (0, 1, 2), (0, 1, 3)],
    }
    for persona, rows in plans.items():
        client = login_as(persona)
        page = client.get(f"/quality/calibrations/{session.pk}/").content.decode()
        assert "Your scores (blind)" in page
        assert "Agreement" not in page
        data = {}
        for item, (greet, verify, explain) in zip(items, rows, strict=True):
            data |= {
                f"i{item.pk}-greet": greet,
                f"i{item.pk}-verify": verify,
                f"i{item.pk}-explain": explain,
            }
        client.post(f"/quality/calibrations/{session.pk}/submit/", data)
    # Still blind for the client viewer, who submitted: no one's scores are shown.
    page = login_as("client_viewer").get(f"/quality/calibrations/{session.pk}/").content.decode()
    assert "You submitted your scores" in page
    assert "Krippendorff" not in page
    manager = login_as("manager")
    manager.post(f"/quality/calibrations/{session.pk}/reveal/")
    page = manager.get(f"/quality/calibrations/{session.pk}/").content.decode()
    assert 'id="overall-alpha"' in page
    session.refresh_from_db()
    assert session.status == "revealed"
    reference = {}
    for item, (greet, verify, explain) in zip(items, plans["qa"], strict=True):
        reference |= {
            f"r{item.pk}-greet": greet,
            f"r{item.pk}-verify": verify,
            f"r{item.pk}-explain": explain,
        }
    manager.post(f"/quality/calibrations/{session.pk}/reference/", reference)
    page = manager.get(f"/quality/calibrations/{session.pk}/").content.decode()
    assert "Deviation from the agreed reference" in page
    assert "harsher than the reference" in page
    assert _audited("quality.calibration.reference", session)
    for action in ("open", "reveal"):
        assert _audited(f"quality.calibration.{action}", session)
    submits = AuditEvent.objects.filter(
        action="quality.calibration.submit", object_id=str(session.pk)
    )
    assert {e.actor.username for e in submits} == {"qa", "manager", "client_viewer"}
    # The client viewer sees results but never an agent's name.
    page = login_as("client_viewer").get("/quality/calibrations/9801/").content.decode()
    assert "Krippendorff" in page
    assert "Alice Anders" not in page
    assert "Alice Anders" in login_as("qa").get("/quality/calibrations/9801/").content.decode()


def _shared_miss_evaluations(org, as_of: dt.date) -> None:
    """Twelve weeks of evaluations of A1, A2, A6 (T1), A3, A5 (T2): 'explain' is met in the
    baseline and missed by everyone in the last four weeks."""
    from factories import AgentFactory, MembershipFactory

    org.agents["A6"] = AgentFactory(code="A6", name="Fay Field")
    MembershipFactory(agent=org.agents["A6"], team=org.teams["T1"])
    version = TemplateVersion.objects.get(pk=9401)
    qa = org.user("qa")
    first = as_of - dt.timedelta(weeks=12) + dt.timedelta(days=1)
    n = 0
    for week in range(12):
        for code in ("A1", "A2", "A6", "A3", "A5"):
            for k in range(2):
                day = first + dt.timedelta(weeks=week, days=k)
                recent = day >= as_of - dt.timedelta(weeks=4) + dt.timedelta(
                    days=7 - as_of.isoweekday()
                )
                n += 1
                do_score_evaluation(
                    version=version,
                    agent=org.agents[code],
                    program=org.programs["P1"],
                    interaction_id=f"SOP-{n}",
                    interaction_day=day,
                    marks={
                        "greet": MarkInput(1),
                        "verify": MarkInput(1),
                        "explain": MarkInput(1 if recent else 4),
                    },
                    actor=qa,
                )


def test_a_shared_miss_raises_an_sop_review_signal_visible_to_manager_and_client(login_as, org):
    as_of = timezone.localdate()
    _shared_miss_evaluations(org, as_of)
    config = SignalConfig(min_marks=20)
    (signal,) = do_check_sop_signals(
        org.programs["P1"], as_of=as_of, actor=org.user("manager"), config=config
    )
    assert signal.criterion == "explain"
    assert signal.sop_reference == "SOP-CL-12"
    assert signal.sop_version == "3"
    assert set(signal.evidence["teams"]) == {"T1", "T2"}
    assert _audited("quality.signal.raise", signal)
    assert do_check_sop_signals(org.programs["P1"], as_of=as_of, actor="cli", config=config) == []
    manager_page = login_as("manager").get("/quality/programs/P1/").content.decode()
    assert "SOP-CL-12 v3" in manager_page
    assert "Evidence: evaluations" in manager_page
    assert "Team training recommended" in manager_page
    assert "Claims North" in manager_page  # T1's agents share the miss: train the team
    client_page = login_as("client_viewer").get("/quality/programs/P1/").content.decode()
    assert signal.summary.split(";")[0] in client_page
    for name in ("Alice Anders", "Peter Pike", "Carl Crane", "Claims North", "Evaluator severity"):
        assert name not in client_page


def test_draw_sample_respects_the_quota_and_never_queues_twice(org):
    rows = [
        {
            "source": "crm",
            "interaction_id": f"D-{n}",
            "agent_id": "A2",
            "local_date": dt.date(2026, 10, 12) + dt.timedelta(days=n % 5),
            "handle_seconds": 100.0 + n,
            "escalated": n == 3,
            "csat": 1.0 if n == 5 else None,
        }
        for n in range(12)
    ]
    items = do_draw_sample(program=org.programs["P1"], rows=rows, actor=org.user("qa"))
    assert len(items) == 4
    reasons = {i.interaction_id: i.reason for i in items}
    assert reasons["D-5"] == "low_csat"
    assert reasons["D-3"] == "escalated"
    assert all(i.team.code == "T1" for i in items)
    assert do_draw_sample(program=org.programs["P1"], rows=rows, actor=org.user("qa")) == []
    assert AuditEvent.objects.filter(action="quality.sample.draw").count() == 2


def test_the_leniency_page_states_its_model_and_names_evaluators(login_as):
    page = login_as("manager").get("/quality/programs/P1/leniency/").content.decode()
    assert "least squares" in page
    assert "client_viewer" in page  # an evaluator in calibration 9801
    assert login_as("client_viewer").get("/quality/programs/P1/leniency/").status_code == 404


def test_exported_rows_reproduce_the_score_as_the_qa_metric_reads_them(org):
    from upswing.quality.export import evaluation_rows

    evaluation = Evaluation.objects.get(pk=9501)
    rows = evaluation_rows(evaluation)
    assert [r["criterion"] for r in rows] == ["greet", "verify", "explain"]
    assert [r["critical"] for r in rows] == ["false", "true", "false"]
    points = sum(r["points"] for r in rows)
    top = sum(r["max_points"] for r in rows)
    assert 100 * points / top == pytest.approx(evaluation.score)
    na = Evaluation.objects.get(pk=9503)  # explain N/A, verify failed: critical
    assert [r["criterion"] for r in evaluation_rows(na)] == ["greet", "verify"]


def test_an_acknowledged_evaluation_can_no_longer_be_disputed(org):
    from upswing.quality.actions import QualityActionRefused, do_raise_dispute

    evaluation = Evaluation.objects.get(pk=9502)
    evaluation.agent, evaluation.status = org.agents["A1"], "acknowledged"
    evaluation.save(update_fields=["agent", "status"])
    with pytest.raises(QualityActionRefused, match="no longer be disputed"):
        do_raise_dispute(
            evaluation, criterion="greet", reason="x", expected_version=1, actor=org.user("agent")
        )
