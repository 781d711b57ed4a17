"""Coaching history, context events and targets: the records people keep about the numbers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from upswing.demo.cases import PlannedEvent, PlannedSession, Planting
from upswing.demo.catalog import PROGRAMS
from upswing.demo.clock import DAY, HOUR, Window, ZoneTable, iso_strings
from upswing.demo.org import Staff

ROUTINE_TOPICS = (
    ("aht", "call control"),
    ("fcr", "troubleshooting flow"),
    ("csat", "ownership language"),
    ("qa", "documentation"),
    ("qa", "verification"),
    ("qa", "empathy"),
    ("escalation", "de-escalation"),
    ("reopen", "confirming the fix"),
)
ROUTINE_NOTES = (
    "Listened to two calls together; agreed one thing to try this week.",
    "Reviewed the scorecard; strengths noted, one habit to build.",
    "Walked through a difficult contact and a better approach.",
    "Quick check-in on last week's action; on track.",
)
SESSION_RATE = 0.3  # chance of a routine session in an agent-week
# program-wide sessions: (program, weeks before the end, kind, metric, topic)
GROUP_SESSIONS = (
    (2, 15, "training", "aht", "claims platform v5"),
    (1, 11, "workshop", None, "fee waiver policy"),
)


def coaching_table(
    rng: np.random.Generator, staff: Staff, planting: Planting, window: Window, zones: ZoneTable
) -> pa.Table:
    sessions = [
        *_routine_sessions(rng, staff, planting, window),
        *_group_sessions(staff, planting, window),
        *planting.sessions,
    ]
    agent = np.array([s.agent for s in sessions], dtype=np.int64)
    day = np.array([window.first_day_number + 7 * s.week + s.weekday for s in sessions])
    minute = rng.integers(0, 4, len(sessions)) * 15
    team = staff.team_on(agent, day)
    program = staff.program_of_team()[team]
    local = day * DAY + np.array([s.hour for s in sessions]) * HOUR + minute * 60
    utc = zones.utc_of_local(program, local)
    table = pa.table(
        {
            "agent_id": pa.array(staff.agent_ids).take(pa.array(agent)),
            "coached_at": iso_strings(utc, zones.offset_at(program, utc)),
            "kind": pa.array([s.kind for s in sessions], pa.string()),
            "coach_email": pa.array([staff.teams[t].lead_email for t in team], pa.string()),
            "topic": pa.array([s.topic for s in sessions], pa.string()),
            "metric": pa.array([s.metric for s in sessions], pa.string()),
            "notes": pa.array([s.notes for s in sessions], pa.string()),
        }
    )
    table = table.append_column("_utc", pa.array(utc)).sort_by(
        [("_utc", "ascending"), ("agent_id", "ascending")]
    )
    return table.drop_columns(["_utc"])


def _active_weeks(staff: Staff, window: Window, agent: int) -> range:
    first = max(0, (int(staff.start_day[agent]) - window.first_day_number + 6) // 7)
    last = min(window.weeks, (int(staff.end_day[agent]) - window.first_day_number - 4) // 7 + 1)
    return range(first, max(first, last))


def _routine_sessions(
    rng: np.random.Generator, staff: Staff, planting: Planting, window: Window
) -> list[PlannedSession]:
    out = []
    for agent in range(staff.size):
        stop = planting.coaching_quiet_from.get(agent, window.weeks)
        avoid = planting.coaching_avoids.get(agent, frozenset())
        allowed = [t for t in ROUTINE_TOPICS if t[0] not in avoid]
        for week in _active_weeks(staff, window, agent):
            if week >= stop or rng.random() >= SESSION_RATE:
                continue
            metric, topic = allowed[rng.integers(len(allowed))]
            kind = "side_by_side" if rng.random() < 0.2 else "one_to_one"
            notes = ROUTINE_NOTES[rng.integers(len(ROUTINE_NOTES))]
            weekday, hour = int(rng.integers(0, 5)), int(rng.integers(9, 17))
            out.append(PlannedSession(agent, week, weekday, hour, kind, metric, topic, notes))
    return out


def _group_sessions(staff: Staff, planting: Planting, window: Window) -> list[PlannedSession]:
    out = []
    teams_program = staff.program_of_team()
    for program, back, kind, metric, topic in GROUP_SESSIONS:
        week = window.weeks - back
        day = window.first_day_number + 7 * week + 2
        for agent in range(staff.size):
            on_team = staff.team_on(np.array([agent]), np.array([day]))[0]
            employed = staff.start_day[agent] <= day <= staff.end_day[agent]
            quiet = planting.coaching_quiet_from.get(agent, window.weeks) <= week
            if employed and not quiet and teams_program[on_team] == program:
                note = f"Program-wide {kind} on {topic}."
                out.append(PlannedSession(agent, week, 2, 14, kind, metric, topic, note))
    return out


def events_table(
    staff: Staff, events: tuple[PlannedEvent, ...], window: Window, zones: ZoneTable
) -> pa.Table:
    program = np.array([e.program for e in events], dtype=np.int64)
    week_start = np.array([window.first_day_number + 7 * e.week for e in events])
    starts_local = (week_start + [e.first_weekday for e in events]) * DAY + np.array(
        [e.start_hour for e in events]
    ) * HOUR
    ends_local = (week_start + [e.last_weekday for e in events]) * DAY + np.array(
        [e.end_hour for e in events]
    ) * HOUR
    starts, ends = (
        zones.utc_of_local(program, starts_local),
        zones.utc_of_local(program, ends_local),
    )
    return pa.table(
        {
            "program_id": pa.array([PROGRAMS[p].program_id for p in program], pa.string()),
            "starts_at": iso_strings(starts, zones.offset_at(program, starts)),
            "ends_at": iso_strings(ends, zones.offset_at(program, ends)),
            "kind": pa.array([e.kind for e in events], pa.string()),
            "team_id": pa.array(
                [None if e.team is None else staff.teams[e.team].team_id for e in events],
                pa.string(),
            ),
            "description": pa.array([e.description for e in events], pa.string()),
        }
    ).sort_by([("starts_at", "ascending")])
