"""The planted cases: who, which metric, which weeks — and what the rules should conclude.

Teams are addressed by index (0-7 Telco Care, 8-14 Telco Tech, 15-19 Claims) and agents by
their position in a team, so the plan does not depend on random team sizes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from upswing.demo.clock import Window, date_of_day_number
from upswing.demo.effects import Disturbance, Effects, category_index
from upswing.demo.org import Hire, Leaver, Staff, Transfer

OUTAGE_TEAM, LONG_WAIT_TEAM, SYSTEMIC_TEAM = 2, 5, 11
# 8-week decline shape, as a share of the full decline
RAMP8 = np.array([0.08, 0.17, 0.28, 0.42, 0.55, 0.65, 0.72, 0.78])
RAMP6 = np.array([0.2, 0.4, 0.6, 0.8, 0.9, 1.0])
# strong enough that a judged week's whole 95% interval (about 45 contacts) is below the floor
FCR_DECLINE_DEPTH = 0.5
SYSTEMIC_RESOLVE_DROP = 0.25
LONG_WAIT_SHARE = 0.8  # of the long-wait team's contacts, from the understaffed queue
QA_CASE_EVALUATIONS = 5  # a week, for the agents of a QA case


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    kind: str
    description: str
    metrics: tuple[str, ...]
    weeks: tuple[str, ...]
    team_ids: tuple[str, ...] = ()
    agent_ids: tuple[str, ...] = ()
    expected_cause: str | None = None
    expected_recommendation: str | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlannedSession:
    agent: int
    week: int
    weekday: int  # 0 = Monday
    hour: int  # local
    kind: str
    metric: str
    topic: str
    notes: str


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    program: int
    team: int | None
    week: int
    first_weekday: int
    last_weekday: int
    start_hour: int
    end_hour: int
    kind: str
    description: str


@dataclass(frozen=True, slots=True)
class Planting:
    effects: Effects
    cases: tuple[Case, ...]
    sessions: tuple[PlannedSession, ...]
    events: tuple[PlannedEvent, ...]
    # agents whose random coaching stops at a week, and metrics random coaching avoids
    coaching_quiet_from: dict[int, int]
    coaching_avoids: dict[int, frozenset[str]]
    steady_agents: frozenset[int]  # given good, stable base skills so a decline stands out


def roster_changes(
    window: Window,
) -> tuple[tuple[Hire, ...], tuple[Transfer, ...], tuple[Leaver, ...]]:
    w, start = window.weeks, window.first_day_number
    monday = lambda week: start + 7 * week  # noqa: E731
    hires = (Hire(4, monday(w - 3)), Hire(14, monday(w - 2)), Hire(18, monday(w - 1) + 2))
    # early changes stay inside a shorter window (a small demo), where they are the same
    transfers = (Transfer(1, 6, 3, monday(max(1, w - 13))),)
    leavers = (Leaver(10, 0, monday(max(2, w - 17)) + 4), Leaver(19, 3, monday(w - 6) + 4))
    return hires, transfers, leavers


def plant_cases(staff: Staff, window: Window) -> Planting:
    effects = Effects.neutral(staff.size, window.weeks)
    builder = _Builder(staff, window, effects)
    for plant in (
        _plant_outage, _plant_long_wait, _plant_systemic, _plant_qa_decline_coached,
        _plant_fcr_decline_uncoached, _plant_qa_decline_coached_twice,
        _plant_fcr_decline_coached_elsewhere, _plant_rushing, _plant_single_bad_week,
        _plant_new_hires, _plant_transfer, _plant_leavers, _plant_context_events,
    ):  # fmt: skip
        plant(builder)
    return builder.planting()


@dataclass(slots=True)
class _Builder:
    staff: Staff
    window: Window
    effects: Effects
    cases: list[Case] = field(default_factory=list)
    sessions: list[PlannedSession] = field(default_factory=list)
    events: list[PlannedEvent] = field(default_factory=list)
    quiet_from: dict[int, int] = field(default_factory=dict)
    avoids: dict[int, frozenset[str]] = field(default_factory=dict)
    steady: set[int] = field(default_factory=set)

    def tail(self, n: int) -> list[int]:
        return list(range(self.window.weeks - n, self.window.weeks))

    def labels(self, weeks: list[int]) -> tuple[str, ...]:
        return tuple(self.window.week_labels(weeks))

    def agent(self, team: int, slot: int) -> int:
        return self.staff.agents_of_team(team)[slot]

    def agent_id(self, agent: int) -> str:
        return self.staff.agent_ids[agent]

    def team_id(self, team: int) -> str:
        return self.staff.teams[team].team_id

    def day(self, week: int, weekday: int = 0) -> int:
        return self.window.first_day_number + 7 * week + weekday

    def individual(self, agent: int, metric: str) -> None:
        self.steady.add(agent)
        self.quiet_from[agent] = min(self.quiet_from.get(agent, 10**6), self.window.weeks - 12)
        self.avoids[agent] = self.avoids.get(agent, frozenset()) | {metric}

    def planting(self) -> Planting:
        return Planting(
            self.effects,
            tuple(self.cases),
            tuple(self.sessions),
            tuple(self.events),
            dict(self.quiet_from),
            dict(self.avoids),
            frozenset(self.steady),
        )


def _plant_outage(b: _Builder) -> None:
    """Three weeks of a degraded CRM on one team, recorded as an event: long enough to be a
    sustained gap by the rules (k of the last m weeks), and explained by the event."""
    weeks = b.tail(4)[:3]
    team = OUTAGE_TEAM
    first, last = b.day(weeks[0], 0), b.day(weeks[-1], 6)
    b.effects.disturbances.append(
        Disturbance(first, last, team=team, handle_mult=1.7, resolve_delta=-0.3,
                    escalate_delta=0.1, csat_shift=-1.0)
    )  # fmt: skip
    program = b.staff.teams[team].program
    text = "CRM outage: customer history unavailable, agents worked from notes"
    b.events.append(PlannedEvent(program, team, weeks[0], 0, last - first, 0, 24, "outage", text))
    b.cases.append(
        Case(
            "outage",
            "outage",
            f"{text}; for three weeks the whole team's AHT rises and FCR and CSAT drop.",
            ("aht", "fcr", "csat"),
            b.labels(weeks),
            team_ids=(b.team_id(team),),
            agent_ids=tuple(b.agent_id(a) for a in b.staff.agents_of_team(team)),
            expected_cause="systemic",
            expected_recommendation="process_fix",
            details={"event_days": [str(_date(b, d)) for d in range(first, last + 1)]},
        )
    )


def _plant_long_wait(b: _Builder) -> None:
    weeks = b.tail(8)
    team = LONG_WAIT_TEAM
    agents = b.staff.agents_of_team(team)
    for a in agents:
        b.effects.long_wait_share[a, weeks] = LONG_WAIT_SHARE
    b.cases.append(
        Case(
            "long_wait_queue",
            "context",
            "The team takes 80% of its contacts from the understaffed retention queue "
            "(median wait ~4 minutes): CSAT falls well below the floor while FCR and AHT stay "
            "normal.",
            ("csat", "wait"),
            b.labels(weeks),
            team_ids=(b.team_id(team),),
            agent_ids=tuple(b.agent_id(a) for a in agents),
            expected_cause="context",
            expected_recommendation="process_fix",
            details={"topic": "retention"},
        )
    )


def _plant_systemic(b: _Builder) -> None:
    weeks = b.tail(4)
    agents = b.staff.agents_of_team(SYSTEMIC_TEAM)
    for a in agents:
        b.effects.resolve_delta[a, weeks] -= SYSTEMIC_RESOLVE_DROP
        b.effects.csat_shift[a, weeks] -= 0.3
    b.cases.append(
        Case(
            "systemic_team_drop",
            "systemic",
            "A team-wide FCR and CSAT drop with no recorded event (a broken knowledge-base "
            "flow): most of the team falls below the floor in the same weeks.",
            ("fcr", "csat"),
            b.labels(weeks),
            team_ids=(b.team_id(SYSTEMIC_TEAM),),
            agent_ids=tuple(b.agent_id(a) for a in agents),
            expected_cause="systemic",
            expected_recommendation="process_fix",
        )
    )


def _decline_quality(
    b: _Builder, agent: int, categories: tuple[str, ...], depth: float
) -> list[int]:
    weeks = b.tail(8)
    for category in categories:
        b.effects.quality_delta[agent, weeks, category_index(category)] -= depth * RAMP8
    # a QA program that samples this agent at a real cadence (4-20 evaluations a month and
    # more for an agent under watch): enough for the pooled window to show the gap clearly
    b.effects.evaluations[agent, weeks] = QA_CASE_EVALUATIONS
    return weeks


def _decline_fcr(b: _Builder, agent: int) -> list[int]:
    weeks = b.tail(8)
    b.effects.resolve_delta[agent, weeks] -= FCR_DECLINE_DEPTH * RAMP8
    return weeks


def _coach(
    b: _Builder, agent: int, plan: list[tuple[int, str]], metric: str, topic: str
) -> list[str]:
    """Sessions `back` weeks before the end; returns the weeks' labels."""
    for back, kind in plan:
        week = b.window.weeks - back
        notes = f"Reviewed {topic} on recent contacts; agreed actions and a follow-up."
        day, hour = 1 + back % 3, 10 + back % 5
        b.sessions.append(PlannedSession(agent, week, day, hour, kind, metric, topic, notes))
    return list(b.labels([b.window.weeks - back for back, _ in plan]))


def _individual_case(b: _Builder, case_id: str, agent: int, metric: str, weeks: list[int],
                     description: str, recommendation: str, **details: object) -> None:  # fmt: skip
    b.individual(agent, metric)
    team = b.staff.first_team[agent]
    b.cases.append(
        Case(
            case_id, "individual_decline", description, (metric,), b.labels(weeks),
            team_ids=(b.team_id(team),), agent_ids=(b.agent_id(agent),),
            expected_cause="individual", expected_recommendation=recommendation,
            details={"below_floor_weeks": list(b.labels(weeks[-4:])), **details},
        )
    )  # fmt: skip


def _plant_qa_decline_coached(b: _Builder) -> None:
    agent = b.agent(0, 3)
    weeks = _decline_quality(b, agent, ("empathy", "resolution", "documentation"), 1.2)
    plan = [(6, "one_to_one"), (4, "side_by_side"), (2, "one_to_one")]
    coached = _coach(b, agent, plan, "qa", "documentation")
    _individual_case(
        b, "qa_decline_coached", agent, "qa", weeks,
        "QA falls steadily over 8 weeks (documentation, resolution and empathy criteria) "
        "despite "
        "three coaching sessions on documentation.",
        "pip", behavior="documentation", coaching_weeks=coached,
    )  # fmt: skip


def _plant_fcr_decline_uncoached(b: _Builder) -> None:
    agent = b.agent(9, 2)
    weeks = _decline_fcr(b, agent)
    _individual_case(
        b, "fcr_decline_uncoached", agent, "fcr", weeks,
        "FCR falls steadily over 8 weeks; no coaching is recorded, so coaching comes first.",
        "coach",
    )  # fmt: skip
    b.quiet_from[agent] = 0  # no coaching at all in the window


def _plant_qa_decline_coached_twice(b: _Builder) -> None:
    agent = b.agent(16, 4)
    # two criteria: one alone moves the score by about the floor's distance, on the threshold
    weeks = _decline_quality(b, agent, ("empathy", "resolution"), 1.6)
    # both sessions precede the last weeks still below: coaching that did not close the gap
    # four weeks apart less a day: clear of the ladder's three-week minimum, not on it
    coached = _coach(b, agent, [(7, "one_to_one"), (3, "training")], "qa", "empathy")
    _individual_case(
        b, "qa_decline_coached_twice", agent, "qa", weeks,
        "QA falls over 8 weeks on the empathy and resolution criteria; two coaching sessions "
        "on empathy "
        "four weeks apart did not turn it around.",
        "pip", behavior="empathy", coaching_weeks=coached,
    )  # fmt: skip


def _plant_fcr_decline_coached_elsewhere(b: _Builder) -> None:
    agent = b.agent(7, 1)
    weeks = _decline_fcr(b, agent)
    coached = _coach(b, agent, [(7, "one_to_one"), (3, "one_to_one")], "aht", "call control")
    _individual_case(
        b, "fcr_decline_coached_on_other_metric", agent, "fcr", weeks,
        "FCR falls steadily over 8 weeks; the coaching on record is about AHT, not FCR.",
        "coach", coaching_weeks=coached, coaching_metric="aht",
    )  # fmt: skip


def _plant_rushing(b: _Builder) -> None:
    agent = b.agent(13, 5)
    weeks = b.tail(6)
    b.effects.handle_mult[agent, weeks] *= 1 - 0.4 * RAMP6
    b.effects.resolve_delta[agent, weeks] -= 0.15 * RAMP6
    b.effects.reopen_delta[agent, weeks] += 0.2 * RAMP6
    b.individual(agent, "fcr")
    b.cases.append(
        Case(
            "rushing", "rushing",
            "AHT falls by up to 40% while FCR drops and reopens rise: speed bought with "
            "repeat contacts (read AHT with FCR).",
            ("aht", "fcr", "reopen"), b.labels(weeks),
            team_ids=(b.team_id(13),), agent_ids=(b.agent_id(agent),),
            expected_cause="individual", expected_recommendation="coach",
        )
    )  # fmt: skip


def _plant_single_bad_week(b: _Builder) -> None:
    agent, week = b.agent(17, 2), b.window.weeks - 6
    b.effects.handle_mult[agent, week] *= 1.45
    b.effects.resolve_delta[agent, week] -= 0.25
    b.effects.csat_shift[agent, week] -= 0.6
    b.individual(agent, "fcr")
    b.cases.append(
        Case(
            "single_bad_week", "noise",
            "One bad week (AHT up, FCR down) for an otherwise steady agent: not sustained.",
            ("aht", "fcr"), b.labels([week]),
            team_ids=(b.team_id(17),), agent_ids=(b.agent_id(agent),),
            expected_cause=None, expected_recommendation="monitor",
        )
    )  # fmt: skip


def _plant_new_hires(b: _Builder) -> None:
    hires = [a for a in range(b.staff.size) if b.staff.start_day[a] >= b.window.first_day_number]
    for a in hires:
        first_week = (int(b.staff.start_day[a]) - b.window.first_day_number) // 7
        weeks = list(range(first_week, b.window.weeks))
        ramp = np.array([0.15, 0.3, 0.45])[: len(weeks)]
        b.effects.volume_mult[a, weeks] = ramp
        b.effects.handle_mult[a, weeks] *= 1.3
        b.effects.resolve_delta[a, weeks] -= 0.08
        b.effects.evaluations[a, weeks] = 1
    b.cases.append(
        Case(
            "new_hires", "new_hire",
            "Agents who start in the last three weeks with few interactions.",
            ("volume",), b.labels(b.tail(3)),
            team_ids=tuple(sorted({b.team_id(b.staff.first_team[a]) for a in hires})),
            agent_ids=tuple(b.agent_id(a) for a in hires),
            expected_cause="insufficient_data", expected_recommendation="monitor",
            details={"start_dates": [str(_date(b, b.staff.start_day[a])) for a in hires]},
        )
    )  # fmt: skip


def _plant_transfer(b: _Builder) -> None:
    agent = int(np.flatnonzero(b.staff.first_team != b.staff.last_team)[0])
    moved = int(b.staff.transfer_day[agent])
    week = (moved - b.window.first_day_number) // 7
    b.cases.append(
        Case(
            "team_transfer", "transfer",
            "The agent moves team on a Monday; the roster has two non-overlapping rows.",
            (), b.labels([week]),
            team_ids=(b.team_id(b.staff.first_team[agent]), b.team_id(b.staff.last_team[agent])),
            agent_ids=(b.agent_id(agent),),
            details={"transfer_date": str(_date(b, moved))},
        )
    )  # fmt: skip


def _plant_leavers(b: _Builder) -> None:
    leavers = [
        a
        for a in range(b.staff.size)
        if b.staff.end_day[a] < b.window.first_day_number + 7 * b.window.weeks
    ]
    b.cases.append(
        Case(
            "leavers", "leaver",
            "Agents who leave during the window: no interactions after their end date.",
            (), (),
            team_ids=tuple(b.team_id(b.staff.first_team[a]) for a in leavers),
            agent_ids=tuple(b.agent_id(a) for a in leavers),
            details={"end_dates": [str(_date(b, b.staff.end_day[a])) for a in leavers]},
        )
    )  # fmt: skip


def _plant_context_events(b: _Builder) -> None:
    w = b.window.weeks
    care, tech, claims = 0, 1, 2
    specs = [
        (care, w - 20, 0, 2, 0.0, 2.5, "volume_spike", "New handset launch: contact volume +40%"),
        (tech, w - 11, 0, 4, 0.0, 1.0, "policy_change", "Agents may waive the reconnection fee"),
        (claims, w - 15, 0, 4, 0.12, 1.0, "tool_change", "Claims platform v5 rollout"),
        (claims, w - 10, 3, 4, 0.0, 3.0, "understaffing", "Flu absences: 30% of the shift out"),
    ]
    for program, back, first, last, slower, wait, kind, text in specs:
        week = max(1, back)  # inside a shorter window
        b.effects.disturbances.append(
            Disturbance(b.day(week, first), b.day(week, last), program=program,
                        handle_mult=1 + slower, wait_mult=wait)
        )  # fmt: skip
        b.events.append(PlannedEvent(program, None, week, first, last, 0, 24, kind, text))


def _date(b: _Builder, day: int) -> dt.date:
    return date_of_day_number(int(day))
