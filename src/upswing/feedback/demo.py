"""Demo feedback: a closed cycle with results and an open one waiting for answers, around the
demo agent and their team lead (`upswing demo` calls `seed_feedback` once the sign-ins exist).

Peers answer through `do_submit_answers`, so the demo's records are made exactly like real
ones. The closed cycle has seven peers (numbers and comments show) and two others (too few:
their group shows nothing). Re-running the demo keeps what exists.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from upswing.feedback import actions
from upswing.feedback.defaults import CORE_TEMPLATE_NAME
from upswing.feedback.models import AnonymousNote, Cycle, Nomination, QuestionTemplate
from upswing.org.models import Agent

CLOSED_NAME = "Autumn 360 (demo)"
OPEN_NAME = "Winter 360 (demo)"
KEEP = [
    "Explains the next steps clearly.",
    "Stays calm with upset callers.",
    "Always shares shortcuts with the team.",
    "Follows up on open tickets.",
    "Patient with new colleagues.",
    "Good notes on every case.",
    "Owns escalations.",
]
CHANGE = [
    "Summarise the call before closing it.", "Ask for help sooner on billing cases.",
    "Take breaks on time.", "Check the knowledge base before transferring.",
    "Confirm the customer's number at the start.", "Slow down on the script's intro.",
    "Write shorter case notes.",
]  # fmt: skip


def seed_feedback(echo) -> None:
    agent, team, lead = _demo_people()
    if agent is None:
        echo("Feedback demo skipped: no demo agent or team lead.")
        return
    if Cycle.objects.filter(name=CLOSED_NAME, team=team).exists():
        echo("Feedback demo: cycles already present.")
        return
    rng = random.Random(7)  # noqa: S311 - demo answers, not security  # nosec B311 - demo data, not security
    template = QuestionTemplate.objects.get(name=CORE_TEMPLATE_NAME)
    colleagues = _raters(agent, team, 9)
    closed = _cycle(CLOSED_NAME, agent, team, lead, template)
    _nominate(closed, colleagues[:7], "peer", lead)
    _nominate(closed, colleagues[7:9], "other", lead)
    closed = actions.do_open_cycle(closed, actor=lead, expected_version=closed.version)
    for nomination in Nomination.objects.filter(subject__cycle=closed):
        actions.do_submit_answers(nomination, answers=_answers(rng), actor=nomination.rater)
    actions.do_close_cycle(closed, actor=lead, expected_version=closed.version)

    waiting = _cycle(OPEN_NAME, agent, team, lead, template)
    _nominate(waiting, colleagues[:5], "peer", lead)
    actions.do_nominate_rater(
        waiting.subjects.get(), rater=colleagues[5], group="other", actor=agent.user
    )
    waiting = actions.do_open_cycle(waiting, actor=lead, expected_version=waiting.version)
    for nomination in Nomination.objects.filter(subject__cycle=waiting, group="peer")[:2]:
        actions.do_submit_answers(nomination, answers=_answers(rng), actor=nomination.rater)
    _notes(agent, lead, colleagues, rng)
    echo(
        f"Feedback demo: '{CLOSED_NAME}' closed with results for {agent.name}, "
        f"'{OPEN_NAME}' open for answers (see Feedback in the menu)."
    )


def _demo_people():
    users = get_user_model().objects
    agent_user, lead = (
        users.filter(username="demo-agent").first(),
        users.filter(username="demo-lead").first(),
    )
    agent = Agent.objects.filter(user=agent_user).first() if agent_user else None
    if agent is None or lead is None:
        return None, None, None
    return agent, actions.current_team(agent), lead


def _raters(agent: Agent, team, count: int) -> list:
    """Colleagues with sign-in accounts (no password: they answer only in the demo)."""
    mates = Agent.objects.filter(
        memberships__team=team, memberships__end_date__isnull=True
    ).exclude(pk=agent.pk)
    others = Agent.objects.filter(
        memberships__team__program=team.program, memberships__end_date__isnull=True
    ).exclude(pk__in=[agent.pk, *mates.values_list("pk", flat=True)])
    chosen = list(mates.distinct().order_by("code")) + list(others.distinct().order_by("code"))
    users = []
    for colleague in chosen[:count]:
        if colleague.user is None:
            user, _ = get_user_model().objects.get_or_create(
                username=f"demo-{colleague.code.lower()}",
                defaults={"first_name": colleague.name[:150], "is_active": True},
            )
            user.set_unusable_password()
            user.save()
            Agent.objects.filter(pk=colleague.pk).update(user=user)
            colleague.user = user
        users.append(colleague.user)
    return users


def _cycle(name, agent, team, lead, template) -> Cycle:
    return actions.do_create_cycle(
        name=name,
        team=team,
        template=template,
        due_on=timezone.localdate() + dt.timedelta(days=10),
        agents=[agent],
        actor=lead,
    )


def _nominate(cycle: Cycle, users, group: str, lead) -> None:
    subject = cycle.subjects.get()
    for user in users:
        actions.do_nominate_rater(subject, rater=user, group=group, actor=lead)


def _answers(rng: random.Random) -> dict:
    answers = {key: rng.choice([3, 4, 4, 5, 5, 2]) for key in ("listens", "owns", "shares", "calm")}
    answers["keep"] = rng.choice(KEEP)
    answers["change"] = rng.choice(CHANGE)
    return answers


def _notes(agent: Agent, lead, colleagues, rng: random.Random) -> None:
    actions.do_give_note(
        agent,
        text="Handled the outage calls on Tuesday with real patience.",
        kind="praise",
        anonymous=False,
        actor=lead,
    )
    # Anonymous notes of last month, as if given then: a released batch on the agent's page.
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    texts = KEEP + CHANGE
    rng.shuffle(texts)
    AnonymousNote.objects.bulk_create(
        AnonymousNote(agent=agent, month=last_month, kind=rng.choice(["praise", "suggestion"]),
                      text=text)
        for text in texts[:8]
    )  # fmt: skip
