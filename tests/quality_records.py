"""Quality records on the persona org (tests/factories.py), with fixed ids for the permission
matrix (tests/site/routes_quality.py):

    templates   9401 (P1, v1 "Claims QA")        9402 (P2)
    samples     9601 (A1, P1, open)              9602 (A4, P2, open)
    evaluations 9501 (A1 on T1, by qa)           9502 (A3 on T2, by qa)     9503 (A4, P2, by admin)
    dispute     9701 on 9501, open
    calibration 9801 (P1, revealed; qa, manager, client_viewer scored)     9802 (P2, scoring)
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from upswing.quality.models import (
    CalibrationItem,
    CalibrationMark,
    CalibrationParticipant,
    CalibrationSession,
    CriterionScore,
    Dispute,
    Evaluation,
    SampleItem,
    ScorecardTemplate,
    TemplateVersion,
)
from upswing.quality.rules.scorecard import Mark, parse_template, score_evaluation

DAY = dt.date(2026, 10, 14)

DEFINITION = {
    "name": "Claims QA",
    "categories": [
        {"key": "courtesy", "label": "Courtesy"},
        {"key": "accuracy", "label": "Accuracy"},
    ],
    "sections": [
        {
            "key": "call",
            "label": "The call",
            "criteria": [
                {"key": "greet", "label": "Greets by name", "weight": 20, "category": "courtesy"},
                {
                    "key": "verify",
                    "label": "Verifies identity",
                    "weight": 30,
                    "critical": "evaluation",
                    "category": "accuracy",
                    "sop": {"reference": "SOP-ID-4", "version": "2"},
                },
                {
                    "key": "explain",
                    "label": "Explains the claim status",
                    "weight": 50,
                    "max_points": 4,
                    "allow_na": True,
                    "category": "accuracy",
                    "sop": {"reference": "SOP-CL-12", "version": "3"},
                },
            ],
        }
    ],
}


def _template(pk: int, program, user) -> TemplateVersion:
    template = ScorecardTemplate.objects.create(
        pk=pk, program=program, name=DEFINITION["name"], created_by=user
    )
    return TemplateVersion.objects.create(
        pk=pk, template=template, number=1, definition=DEFINITION, created_by=user
    )


def _evaluation(pk, version, org, agent, team, evaluator, points):
    template = parse_template(version.definition)
    result = score_evaluation(template, {k: Mark(v) for k, v in points.items()})
    evaluation = Evaluation.objects.create(
        pk=pk,
        template_version=version,
        program=version.template.program,
        agent=org.agents[agent],
        team=org.teams[team],
        interaction_id=f"I-{pk}",
        interaction_day=DAY,
        evaluator=evaluator,
        score=result.score,
        first_score=result.score,
        before_critical=result.before_critical,
        evaluated_at=timezone.now(),
    )
    for key, value in points.items():
        CriterionScore.objects.create(evaluation=evaluation, criterion=key, points=value)
    return evaluation


def build_quality_records(org):
    p1, p2 = org.programs["P1"], org.programs["P2"]
    qa, admin = org.user("qa"), org.user("admin")
    v1 = _template(9401, p1, qa)
    v2 = _template(9402, p2, admin)
    for pk, program, agent, team in ((9601, p1, "A1", "T1"), (9602, p2, "A4", "T3")):
        SampleItem.objects.create(
            pk=pk,
            program=program,
            agent=org.agents[agent],
            team=org.teams[team],
            source="crm",
            interaction_id=f"S-{pk}",
            interaction_day=DAY,
            week_start=DAY - dt.timedelta(days=DAY.weekday()),
            reason="random",
        )
    e1 = _evaluation(9501, v1, org, "A1", "T1", qa, {"greet": 0, "verify": 1, "explain": 3})
    _evaluation(9502, v1, org, "A3", "T2", qa, {"greet": 1, "verify": 1, "explain": 4})
    _evaluation(9503, v2, org, "A4", "T3", admin, {"greet": 1, "verify": 0, "explain": None})
    e1.status = "disputed"
    e1.save(update_fields=["status"])
    Dispute.objects.create(
        pk=9701,
        evaluation=e1,
        criterion="greet",
        reason="I greeted the customer by name at 00:12.",
        raised_by=org.user("agent"),
        points_before=0,
        score_before=e1.score,
    )
    _calibration(9801, v1, org, ["qa", "manager", "client_viewer"], revealed=True)
    _calibration(9802, v2, org, ["admin", "other_client_viewer"], revealed=False)
    return org


def _calibration(pk, version, org, personas, *, revealed: bool):
    session = CalibrationSession.objects.create(
        pk=pk,
        program=version.template.program,
        template_version=version,
        title=f"October calibration {pk}",
        facilitator=org.user(personas[0]),
        status="revealed" if revealed else "scoring",
        revealed_at=timezone.now() if revealed else None,
    )
    items = [
        CalibrationItem.objects.create(
            session=session, interaction_id=f"C-{pk}-{n}", agent=org.agents["A1"]
        )
        for n in range(3)
    ]
    for k, persona in enumerate(personas):
        user = org.user(persona)
        CalibrationParticipant.objects.create(
            session=session, user=user, submitted_at=timezone.now() if revealed else None
        )
        if not revealed:
            continue
        for n, item in enumerate(items):
            marks = {"greet": (n + k) % 2, "verify": 1, "explain": min(4, n + 2)}
            for criterion, points in marks.items():
                CalibrationMark.objects.create(
                    item=item, user=user, criterion=criterion, points=points
                )
    return session
