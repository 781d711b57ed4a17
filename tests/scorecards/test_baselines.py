"""What each snapshot row is compared with: an agent's team's value in the same period and
metric (a blended agent's program part: the program's), a team's program's; a count such as
volume against the average member's share of it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from upswing.scorecards.refresh import add_baselines

WEEK, NEXT = dt.date(2026, 3, 2), dt.date(2026, 3, 9)


def row(level, entity, team, program, metric, value, part="", start=WEEK):
    return {
        "level": level, "entity_id": entity, "team_id": team, "program_id": program,
        "period_kind": "week", "period_start": start, "metric": metric, "value": value,
        "part": part,
    }  # fmt: skip


def baselines(*rows) -> list[float | None]:
    frame = pd.DataFrame(rows)
    add_baselines(frame)
    return [None if np.isnan(v) else round(v, 6) for v in frame["baseline"]]


def test_agents_get_their_teams_value_and_teams_their_programs():
    assert baselines(
        row("agent", "A1", "T1", "P1", "aht", 300.0),
        row("agent", "A2", "T2", "P1", "aht", 500.0),
        row("team", "T1", "T1", "P1", "aht", 320.0),
        row("team", "T2", "T2", "P1", "aht", 480.0),
        row("program", "P1", None, "P1", "aht", 400.0),
        row("agent", "A1", "T1", "P1", "aht", 310.0, start=NEXT),  # no team row that week
    ) == [320.0, 480.0, 400.0, 400.0, None, None]


def test_a_program_part_is_compared_with_its_program():
    assert baselines(
        row("agent", "A1", None, "P2", "aht", 250.0, part="program"),
        row("agent", "A1", "T1", "P1", "aht", 300.0),
        row("team", "T1", "T1", "P1", "aht", 320.0),
        row("program", "P2", None, "P2", "aht", 260.0),
        row("program", "P1", None, "P1", "aht", 330.0),
    ) == [260.0, 320.0, 330.0, None, None]


def test_a_count_is_compared_with_the_average_members_share():
    assert baselines(
        row("agent", "A1", "T1", "P1", "volume", 30.0),
        row("agent", "A2", "T1", "P1", "volume", 50.0),
        row("agent", "A3", "T2", "P1", "volume", 20.0),
        row("team", "T1", "T1", "P1", "volume", 80.0),
        row("team", "T2", "T2", "P1", "volume", 20.0),
        row("program", "P1", None, "P1", "volume", 100.0),
        # a transfer: A4's days on each team count it on both
        row("agent", "A4", "T2", "P1", "volume", 10.0, part="teams"),
        row("agent", "A4", "T1", "P1", "volume", 4.0, part="team"),
        row("agent", "A4", "T2", "P1", "volume", 6.0, part="team"),
    ) == [26.666667, 26.666667, 10.0, 50.0, 50.0, None, 10.0, 26.666667, 10.0]
