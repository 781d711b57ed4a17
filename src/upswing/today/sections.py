"""The sections of each role's start page, each read through the owning feature's door and
selector, each linking to where its work is done.

A section runs a fixed number of queries: a count and the first `SHOWN` rows.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from upswing.coaching import queries as coaching_queries
from upswing.coaching.access import visible_sessions
from upswing.coaching.queue import coaching_queue
from upswing.feedback.access import open_requests
from upswing.findings.access import visible_open_findings
from upswing.findings.rules import group_similar_gaps
from upswing.findings.stored import as_rule_finding
from upswing.governance.access import visible_governed_programs
from upswing.metrics import CATALOG, format_value
from upswing.org.access import (
    own_agent_q,
    programs_granted_as,
    teams_granted_as,
    visible_teams,
)
from upswing.org.models import Agent, Role
from upswing.plans import queries as plan_queries
from upswing.plans.access import visible_plans
from upswing.plans.models import PlanState
from upswing.quality import access as quality_access
from upswing.quality import queries as quality_queries
from upswing.scorecards.access import visible_snapshots
from upswing.scorecards.models import Level
from upswing.scorecards.pages import STATUS_WORDS
from upswing.scorecards.queries import recent_week_lines
from upswing.scorecards.rules import Status, overall_status
from upswing.today.rules import Item, Section

SHOWN = 6  # rows listed per section; the count and the link give the rest
CHECKPOINT_HORIZON_DAYS = 14  # an agent's checkpoints due within two weeks are listed


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _label(metric: str) -> str:
    return CATALOG[metric].label if metric in CATALOG else metric


def _day(value) -> str:
    day = timezone.localdate(value) if isinstance(value, dt.datetime) else value
    return f"{day:%a %d %b %Y}"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _listed(queryset, to_item) -> tuple[int, tuple[Item, ...]]:
    """The count and the first rows of a queryset (two queries)."""
    count = queryset.count()
    return count, tuple(to_item(row) for row in queryset[:SHOWN]) if count else ()


# --- the agent --------------------------------------------------------------------------------


def agent_sections(user, day: dt.date) -> list[Section]:
    own = Agent.objects.filter(own_agent_q(user)).only("pk", "code", "name").first()
    out = []
    if own is not None:
        out += [_to_acknowledge(user, own), _own_plan(user, own, day)]
    feedback = _feedback_to_give(user)
    if own is not None or feedback.count:
        out.append(feedback)
    if own is not None:
        out.append(_own_trend(user, own))
    return out


def _to_acknowledge(user, own) -> Section:
    sessions = coaching_queries.sessions_to_acknowledge(visible_sessions(user).filter(agent=own))
    count, items = _listed(
        sessions,
        lambda s: Item(
            f"{s.get_kind_display()} on {_day(s.coached_at)}",
            _url("coaching:session", s.pk),
            " · ".join(x for x in (s.topic, _person(s.coach) or s.coach_email) if x),
        ),
    )
    return Section(
        "acknowledge", "Coaching sessions to acknowledge", count, items,
        empty="Every coaching session is acknowledged.",
        more_url=_url("coaching:agent_sessions", own.code), more_label="All your coaching",
    )  # fmt: skip


def _own_plan(user, own, day: dt.date) -> Section:
    plans = visible_plans(user).filter(agent=own)
    horizon = day + dt.timedelta(days=CHECKPOINT_HORIZON_DAYS)
    to_acknowledge, acknowledge_items = _listed(
        plan_queries.plans_to_acknowledge(plans, [own.pk]),
        lambda p: Item(
            "Your improvement plan awaits your acknowledgement", _url("plans:detail", p.pk)
        ),
    )
    check_ins, check_in_items = _listed(
        plan_queries.open_checkpoints(plans, due_by=horizon),
        lambda c: Item(
            f"Check-in {c.number} of your plan on {_label(c.plan.metric)}",
            _url("plans:checkpoint", c.plan_id, c.number),
            ("overdue since " if c.due_on < day else "due ") + _day(c.due_on),
            Status.BELOW_SLA.value if c.due_on < day else "",
        ),
    )
    return Section(
        "plan", "Plan checkpoints", to_acknowledge + check_ins,
        (acknowledge_items + check_in_items)[:SHOWN],
        empty=f"No plan check-in in the next {CHECKPOINT_HORIZON_DAYS} days.",
    )  # fmt: skip


def _feedback_to_give(user) -> Section:
    count, items = _listed(
        open_requests(user),
        lambda n: Item(
            f"Feedback on {n.subject.agent.name}",
            _url("feedback:answer", n.pk),
            f"{n.subject.cycle.name}, due {_day(n.subject.cycle.due_on)}"
            if n.subject.cycle.due_on
            else n.subject.cycle.name,
        ),
    )
    return Section(
        "feedback", "Feedback to give", count, items,
        empty="No feedback is asked of you.",
        more_url=_url("feedback:index"), more_label="Feedback",
    )  # fmt: skip


def _own_trend(user, own) -> Section:
    starts, lines = recent_week_lines(visible_snapshots(user), Level.AGENT, [own.code], weeks=2)
    weeks = lines.get(own.code, {})
    latest = weeks.get(starts[0], {}) if starts else {}
    earlier = weeks.get(starts[1], {}) if len(starts) > 1 else {}
    items = []
    for metric in (m for m in CATALOG if m in latest):
        line, before = latest[metric], earlier.get(metric)
        was = f", {format_value(metric, before.value)} the week before" if before else ""
        items.append(
            Item(
                f"{_label(metric)}: {format_value(metric, line.value)}",
                _url("performance:agent", own.code) + f"?metric={metric}",
                f"{STATUS_WORDS.get(line.status, line.status)} (n={line.n}){was}",
                line.status,
            )
        )
    week = f"Week of {_day(starts[0])}." if starts else ""
    return Section(
        "trend", "Your numbers", len(items), tuple(items),
        empty="No numbers yet.", more_url=_url("performance:agent", own.code),
        more_label="Your scorecard", counted=False, note=week,
    )  # fmt: skip


# --- the team lead ----------------------------------------------------------------------------


def lead_sections(user, day: dt.date) -> list[Section]:
    return [
        _coaching_queue(user, day),
        _overdue_follow_ups(user, day),
        _overdue_check_ins(user, day),
        _team_scorecards(user),
    ]


def _coaching_queue(user, day: dt.date) -> Section:
    queue = coaching_queue(user, as_of=day)
    waiting = [row for row in queue.act if row.uncovered]
    items = tuple(
        Item(
            f"{row.agent_name}: {row.metric_label}",
            _url("coaching:record_for_finding", row.finding.pk),
            f"{row.first_reason} Last session: {_day(row.last_session_on)}."
            if row.last_session_on
            else f"{row.first_reason} No session yet.",
        )
        for row in waiting[:SHOWN]
    )
    return Section(
        "coaching_queue", "Findings waiting for a coaching session", len(waiting), items,
        empty="Every finding that asks for coaching had a session in the last "
        f"{queue.coverage_days} days.",
        more_url=_url("coaching:queue"), more_label="The coaching queue",
    )  # fmt: skip


def _overdue_follow_ups(user, day: dt.date) -> Section:
    own = Agent.objects.filter(own_agent_q(user)).values("pk")
    base = visible_sessions(user).exclude(agent__in=own)
    count, items = _listed(
        coaching_queries.overdue_follow_ups(day, base),
        lambda s: Item(
            f"{s.agent.name}: follow-up due {_day(s.follow_up_on)}",
            _url("coaching:record_for_agent", s.agent.code),
            f"after the {s.get_kind_display().lower()} on {_day(s.coached_at)}"
            + (f" about {s.topic}" if s.topic else ""),
            Status.BELOW_SLA.value,
        ),
    )
    return Section(
        "follow_ups", "Overdue coaching follow-ups", count, items,
        empty="No follow-up is overdue.",
    )  # fmt: skip


def _overdue_check_ins(user, day: dt.date) -> Section:
    own = Agent.objects.filter(own_agent_q(user)).values("pk")
    plans = visible_plans(user).exclude(agent__in=own)
    count, items = _listed(
        plan_queries.open_checkpoints(plans, due_by=day - dt.timedelta(days=1)),
        lambda c: Item(
            f"{c.plan.agent.name}: check-in {c.number} on {_label(c.plan.metric)}",
            _url("plans:checkpoint", c.plan_id, c.number),
            f"due {_day(c.due_on)}",
            Status.BELOW_SLA.value,
        ),
    )
    return Section(
        "check_ins", "Overdue plan check-ins", count, items,
        empty="No plan check-in is overdue.",
        more_url=_url("plans:list"), more_label="All plans",
    )  # fmt: skip


def _team_scorecards(user) -> Section:
    teams = list(teams_granted_as(user, Role.TEAM_LEAD))
    return _summaries(
        user, Level.TEAM, teams, "performance:team", "team_scorecards", "Team scorecards"
    )


def _summaries(user, level, entities, url_name, key, title) -> Section:
    codes = [e.code for e in entities]
    starts, lines = recent_week_lines(visible_snapshots(user), level, codes, weeks=1)
    items = []
    for entity in entities:
        metrics = lines.get(entity.code, {}).get(starts[0], {}) if starts else {}
        statuses = [line.status for line in metrics.values()]
        overall = overall_status(statuses) if statuses else ""
        below = statuses.count(Status.BELOW_SLA.value)
        short = statuses.count(Status.BELOW_TARGET.value)
        detail = (
            f"{below} metric{'s'[: below != 1]} below the SLA floor, {short} below target"
            if statuses
            else "no numbers this week"
        )
        words = STATUS_WORDS.get(overall, "No data") if overall else "No data"
        items.append(Item(f"{entity.name}: {words}", _url(url_name, entity.code), detail, overall))
    note = (
        f"Week of {_day(starts[0])}; a team's overall status is the worst of its metrics'."
        if starts
        else ""
    )
    return Section(
        key, title, len(items), tuple(items), empty="No numbers yet.",
        counted=False, note=note,
    )  # fmt: skip


# --- QA analyst ---------------------------------------------------------------------------------


def qa_sections(user, day: dt.date) -> list[Section]:
    count, items = _listed(
        quality_queries.queue_for(quality_access.visible_samples(user)),
        lambda s: Item(
            f"{s.agent.name}: interaction {s.interaction_id}",
            _url("quality:score", s.pk),
            f"{s.get_reason_display()}, {_day(s.interaction_day)}",
        ),
    )
    evaluations = Section(
        "evaluations", "Evaluations to do", count, items,
        empty="No sampled interaction is waiting for an evaluation.",
        more_url=_url("quality:queue"), more_label="The evaluation queue",
    )  # fmt: skip
    return [evaluations, _disputes(user)]


def _disputes(user) -> Section:
    count, items = _listed(
        quality_access.disputes_to_decide(user),
        lambda d: Item(
            f"{d.evaluation.agent.name}: evaluation of {_day(d.evaluation.interaction_day)}",
            _url("quality:evaluation", d.evaluation_id),
            f"disputed on {_day(d.raised_at)}: {d.reason[:120]}",
        ),
    )
    return Section(
        "disputes", "Disputes to decide", count, items, empty="No dispute is waiting for you.",
        more_url=_url("quality:disputes"), more_label="All disputes",
    )  # fmt: skip


# --- HR -----------------------------------------------------------------------------------------


def hr_sections(user, day: dt.date) -> list[Section]:
    count, items = _listed(
        plan_queries.plans_in_state(visible_plans(user), PlanState.HR_REVIEW),
        lambda p: Item(
            f"{p.agent.name}: plan on {_label(p.metric)}",
            _url("plans:review", p.pk),
            f"{p.team.name}, submitted {_day(p.updated_at)}",
        ),
    )
    review = Section(
        "plan_review", "Plans awaiting your review", count, items,
        empty="No plan is waiting for review.",
        more_url=_url("plans:list"), more_label="All plans",
    )  # fmt: skip
    return [review, _overdue_check_ins(user, day)]


# --- operations manager -------------------------------------------------------------------------


def manager_sections(user, day: dt.date) -> list[Section]:
    return [_systemic(user, day), _sla_risk(user), _disputes(user)]


def _systemic(user, day: dt.date) -> Section:
    findings = list(visible_open_findings(user, as_of=day).filter(cause="systemic"))
    groups = group_similar_gaps(as_rule_finding(f) for f in findings)
    names = dict(
        visible_teams(user)
        .filter(code__in={t for g in groups for t in g.teams})
        .values_list("code", "name")
    )
    items = tuple(
        Item(
            f"{_label(g.metric)}: {len(g.teams)} team{'s'[: len(g.teams) != 1]}",
            _url("performance:systemic"),
            ", ".join(names.get(t, t) for t in g.teams)
            + (f" · {g.periods[0]} to {g.periods[-1]}" if g.periods else ""),
        )
        for g in groups[:SHOWN]
    )
    return Section(
        "systemic", "Systemic issues", len(groups), items,
        empty="No systemic issue in the latest diagnosis.",
        more_url=_url("performance:systemic"), more_label="Systemic issues",
    )  # fmt: skip


def _sla_risk(user) -> Section:
    programs = list(programs_granted_as(user, Role.OPERATIONS_MANAGER))
    teams = list(teams_granted_as(user, Role.OPERATIONS_MANAGER))
    items = []
    for level, entities, url_name in (
        (Level.PROGRAM, programs, "performance:program"),
        (Level.TEAM, teams, "performance:team"),
    ):
        codes = [e.code for e in entities]
        starts, lines = recent_week_lines(visible_snapshots(user), level, codes, weeks=1)
        for entity in entities:
            metrics = lines.get(entity.code, {}).get(starts[0], {}) if starts else {}
            for metric, line in sorted(metrics.items()):
                if line.status == Status.BELOW_SLA.value:
                    items.append(
                        Item(
                            f"{entity.name}: {_label(metric)} {format_value(metric, line.value)}",
                            _url(url_name, entity.code) + f"?metric={metric}",
                            f"below the SLA floor in the week of {_day(starts[0])} (n={line.n})",
                            line.status,
                        )
                    )
    return Section(
        "sla_risk", "Below the SLA floor this week", len(items), tuple(items[:SHOWN]),
        empty="Every program and team meets its SLA floors this week (or has too few to judge).",
    )  # fmt: skip


# --- client viewer ------------------------------------------------------------------------------


def client_sections(user, day: dt.date) -> list[Section]:
    programs = list(programs_granted_as(user, Role.CLIENT_VIEWER))
    items = tuple(
        Item(f"{p.name}: program report", _url("performance:program", p.code)) for p in programs
    )
    return [
        Section(
            "reports", "Program reports", len(items), items,
            empty="No program report is open to you.", counted=False,
        )
    ]  # fmt: skip


# --- client governance lead, vendor account manager ---------------------------------------------


def governance_sections(user, day: dt.date) -> list[Section]:
    items = tuple(
        Item(f"{p.name}: contract and SLA breaches", _url("governance:program", p.code))
        for p in visible_governed_programs(user).order_by("name")
    )
    return [
        Section(
            "governance", "Contracts and SLA breaches", len(items), items,
            empty="No program's contract is open to you.", counted=False,
        )
    ]  # fmt: skip
