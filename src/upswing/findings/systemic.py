"""The systemic-issues page's issues, built from the findings' stored facts (never their sentences).

An issue is either the recorded events a set of findings rest on (one issue per set of
events, whatever metrics they touched), or a gap shared across teams on one metric in
overlapping weeks. Each names its teams with how many agents show it, and says what explains
it from the facts: the share of a team with the gap, the rest of a team below the floor, a
team declining together, the events (kind, dates, description).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from upswing.findings.rules import group_similar_gaps
from upswing.findings.rules.types import Basis, EventFact, Facts
from upswing.findings.stored import as_rule_finding
from upswing.metrics import CATALOG


@dataclass(frozen=True, slots=True)
class TeamGap:
    program_name: str
    team_code: str
    team_name: str
    agents: int
    findings: int


@dataclass(frozen=True, slots=True)
class EventLine:
    kind: str
    starts_on: str
    ends_on: str
    where: str
    description: str


@dataclass(frozen=True, slots=True)
class SystemicIssue:
    title: str
    metric_labels: tuple[str, ...]
    first_period: str
    last_period: str
    teams: tuple[TeamGap, ...]
    agents: int
    events: tuple[EventLine, ...]
    explanations: tuple[str, ...]


def systemic_issues(findings: Sequence, teams: dict, programs: dict) -> list[SystemicIssue]:
    """`findings`: stored systemic findings; `teams`: code -> Team; `programs`: code -> name."""
    facts = {f.pk: Facts.from_dict(f.facts) for f in findings}
    by_events: dict[tuple[str, ...], list] = defaultdict(list)
    others = []
    for f in findings:
        ids = tuple(sorted({e.event_id for e in facts[f.pk].events}))
        if ids:
            by_events[ids].append(f)
        else:
            others.append(f)
    issues = [_event_issue(members, facts, teams, programs) for members in by_events.values()]
    for group in _metric_groups(others):
        members = [
            f
            for f in others
            if f.metric == group.metric
            and f.agent_code in group.agents
            and set(f.periods) & set(group.periods)
        ]
        issues.append(_shared_issue(group.metric, members, facts, teams, programs))
    return sorted(issues, key=lambda i: (i.first_period, i.title))


def _metric_groups(findings: Iterable):
    return group_similar_gaps(as_rule_finding(f) for f in findings)


def _event_issue(members, facts, teams, programs) -> SystemicIssue:
    events: dict[str, EventFact] = {}
    for f in members:
        for e in facts[f.pk].events:
            events.setdefault(e.event_id, e)
    lines = tuple(
        EventLine(
            e.kind.replace("_", " ").capitalize(),
            e.starts_on.isoformat(),
            e.ends_on.isoformat(),
            _team_name(teams, e.team_id) if e.team_id else "the whole program",
            e.description,
        )
        for e in sorted(events.values(), key=lambda e: (e.starts_on, e.event_id))
    )
    metrics = _metric_labels(members)
    title = f"{lines[0].kind}: {', '.join(metrics)}" if lines else ", ".join(metrics)
    return _issue(title, members, teams, programs, lines, ())


def _shared_issue(metric, members, facts, teams, programs) -> SystemicIssue:
    seen: dict[str, None] = {}
    for f in members:
        text = _explanation(facts[f.pk], f, teams, programs)
        if text:
            seen.setdefault(text, None)
    title = f"{CATALOG[metric].label} below the standard across a team"
    return _issue(title, members, teams, programs, (), tuple(seen))


def _explanation(facts: Facts, finding, teams, programs) -> str:
    label = CATALOG[finding.metric].label
    if facts.basis is Basis.TEAM_SHARE and facts.agents:
        return (
            f"In {_team_name(teams, facts.group_id)}, {facts.affected} of {facts.agents} "
            f"agents show the same {label} gap."
        )
    if facts.basis is Basis.PROGRAM_SHARE and facts.agents:
        name = programs.get(facts.group_id, facts.group_id)
        return f"In {name}, {facts.affected} of {facts.agents} agents show the same {label} gap."
    if facts.basis is Basis.TEAM_BELOW:
        return (
            f"The rest of {_team_name(teams, facts.group_id)}, pooled over its recent weeks, is "
            f"below the SLA floor on {label}."
        )
    if facts.basis is Basis.TEAM_DECLINE:
        return f"{_team_name(teams, facts.group_id)} declined together on {label}."
    return ""


def _issue(title, members, teams, programs, events, explanations) -> SystemicIssue:
    per_team: dict[str, list] = defaultdict(list)
    for f in members:
        per_team[f.team_code].append(f)
    rows = [
        TeamGap(
            programs.get(items[0].program_code, ""),
            code,
            _team_name(teams, code),
            len({f.agent_code for f in items}),
            len(items),
        )
        for code, items in per_team.items()
    ]
    rows.sort(key=lambda r: (r.program_name, r.team_name))
    periods = sorted({p for f in members for p in f.periods})
    return SystemicIssue(
        title=title,
        metric_labels=_metric_labels(members),
        first_period=periods[0] if periods else "",
        last_period=periods[-1] if periods else "",
        teams=tuple(rows),
        agents=len({f.agent_code for f in members}),
        events=events,
        explanations=explanations,
    )


def _metric_labels(members) -> tuple[str, ...]:
    codes = sorted({f.metric for f in members}, key=lambda m: list(CATALOG).index(m))
    return tuple(CATALOG[m].label for m in codes)


def _team_name(teams: dict, code: str | None) -> str:
    team = teams.get(code) if code else None
    return team.name if team is not None else (code or "")
