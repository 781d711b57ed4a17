"""Feedback records on the persona org (tests/factories.py), with fixed ids for the matrix.

cycle 9401 "Autumn 360" on T1, closed: subjects A1 (9411) and A2 (9412); A1 has self,
    manager and six peer answers, A2 none.
cycle 9402 "Winter 360" on T1, open: subject A1 (9413); nomination 9421 asks the peer
    persona (A2) to answer as a peer; 9422 is a proposal waiting for the lead.
cycle 9403 "Care 360" on T3 (P2), closed: subject A4 (9414).
"""

from __future__ import annotations

import datetime as dt

from factories import UserFactory
from upswing.feedback.defaults import CORE_QUESTIONS, CORE_TEMPLATE_NAME
from upswing.feedback.models import (
    AnonymousSheet,
    AttributedSheet,
    Completion,
    Cycle,
    Nomination,
    QuestionTemplate,
    Subject,
)

CLOSED_ON = dt.date(2026, 11, 20)
PEER_ANSWERS = [
    {"listens": 5, "owns": 4, "keep": "Explains claims clearly."},
    {"listens": 4, "owns": 4, "keep": "Patient with callers."},
    {"listens": 4, "owns": 3},
    {"listens": 5, "owns": 5, "change": "Take breaks on time."},
    {"listens": 3, "owns": 4},
    {"listens": 4, "owns": 2},
]


def template() -> QuestionTemplate:
    found, _ = QuestionTemplate.objects.get_or_create(
        name=CORE_TEMPLATE_NAME, defaults={"questions": CORE_QUESTIONS}
    )
    return found


def build_feedback_records(org):
    tpl = template()
    t1, t3 = org.teams["T1"], org.teams["T3"]

    def cycle(pk, name, team, state):
        return Cycle.objects.create(
            pk=pk,
            name=name,
            team=team,
            template=tpl,
            questions=CORE_QUESTIONS,
            state=state,
            due_on=CLOSED_ON,
            closed_on=CLOSED_ON if state == "closed" else None,
        )

    autumn = cycle(9401, "Autumn 360", t1, "closed")
    winter = cycle(9402, "Winter 360", t1, "open")
    care = cycle(9403, "Care 360", t3, "closed")
    a1 = Subject.objects.create(pk=9411, cycle=autumn, agent=org.agents["A1"])
    Subject.objects.create(pk=9412, cycle=autumn, agent=org.agents["A2"])
    open_a1 = Subject.objects.create(pk=9413, cycle=winter, agent=org.agents["A1"])
    Subject.objects.create(pk=9414, cycle=care, agent=org.agents["A4"])

    AttributedSheet.objects.create(
        subject=a1, rater=org.user("agent"), group="self", answers={"listens": 4, "owns": 4}
    )
    AttributedSheet.objects.create(
        subject=a1, rater=org.user("lead"), group="manager", answers={"listens": 3, "owns": 4}
    )
    for i, answers in enumerate(PEER_ANSWERS):
        rater = UserFactory(username=f"rater{i}", password=None)
        Nomination.objects.create(subject=a1, rater=rater, group="peer", status="approved")
        Completion.objects.create(subject=a1, rater=rater, completed_on=CLOSED_ON)
        AnonymousSheet.objects.create(subject=a1, group="peer", answers=answers)
    Nomination.objects.create(
        pk=9421, subject=open_a1, rater=org.user("peer"), group="peer", status="approved"
    )
    Nomination.objects.create(
        pk=9422,
        subject=open_a1,
        rater=org.user("outsider"),
        group="other",
        status="proposed",
        proposed_by=org.user("agent"),
    )
    return org
