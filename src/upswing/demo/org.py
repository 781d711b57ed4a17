"""The demo's people: teams with their leads, agents with their memberships over time."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from upswing.demo.catalog import NAMES, PROGRAMS, TEAM_WORDS, VENDOR_DOMAIN, Program
from upswing.demo.clock import Window, date_of_day_number

NEVER = np.iinfo(np.int64).max // 4  # a day number no window reaches


@dataclass(frozen=True, slots=True)
class Team:
    team_id: str
    name: str
    program: int  # index into PROGRAMS
    lead_email: str


@dataclass(frozen=True, slots=True)
class Hire:
    team: int
    start_day: int  # day number


@dataclass(frozen=True, slots=True)
class Transfer:
    team: int
    slot: int  # the agent's position in the team
    to_team: int
    day: int  # first day on the new team


@dataclass(frozen=True, slots=True)
class Leaver:
    team: int
    slot: int
    last_day: int


@dataclass(frozen=True, slots=True)
class Staff:
    """Agents as parallel arrays (index = agent number) plus the teams they belong to."""

    teams: tuple[Team, ...]
    agent_ids: tuple[str, ...]
    names: tuple[str, ...]
    emails: tuple[str, ...]
    first_team: np.ndarray  # team index before any transfer
    last_team: np.ndarray  # team index after the transfer (== first_team if none)
    transfer_day: np.ndarray  # day number of the move, NEVER if none
    start_day: np.ndarray  # day number hired
    end_day: np.ndarray  # last day employed, NEVER if still employed

    @property
    def size(self) -> int:
        return len(self.agent_ids)

    def team_on(self, agent: np.ndarray, day: np.ndarray) -> np.ndarray:
        moved = day >= self.transfer_day[agent]
        return np.where(moved, self.last_team[agent], self.first_team[agent])

    def program_of_team(self) -> np.ndarray:
        return np.array([t.program for t in self.teams], dtype=np.int64)

    def agents_of_team(self, team: int) -> list[int]:
        return [int(a) for a in np.flatnonzero(self.first_team == team)]


def build_teams(
    rng: np.random.Generator, programs: tuple[Program, ...] = PROGRAMS
) -> tuple[list[Team], list[tuple[str, str]]]:
    """Teams (lead emails filled in later) and their leads' names."""
    teams, leads, words = [], [], iter(TEAM_WORDS * 20)
    for p, program in enumerate(programs):
        for _ in range(program.teams):
            leads.append(person_name(rng, program.names))
            team_id = f"T{len(teams) + 1:02d}"
            teams.append(Team(team_id, f"{program.team_prefix} {next(words)}", p, ""))
    return teams, leads


def build_staff(
    rng: np.random.Generator,
    window: Window,
    *,
    hires: tuple[Hire, ...] = (),
    transfers: tuple[Transfer, ...] = (),
    leavers: tuple[Leaver, ...] = (),
    team_sizes: tuple[int, int] = (9, 11),
) -> Staff:
    teams, leads = build_teams(rng)
    sizes = rng.integers(team_sizes[0], team_sizes[1] + 1, size=len(teams))
    home = np.concatenate([np.repeat(np.arange(len(teams)), sizes), [h.team for h in hires]])
    tenure = rng.integers(60, 2_200, size=int(sizes.sum()))
    start = np.concatenate([window.first_day_number - tenure, [h.start_day for h in hires]])
    programs = [PROGRAMS[teams[t].program] for t in home]
    names = [person_name(rng, p.names) for p in programs]
    emails = unique_emails(leads + names)
    teams = [replace(t, lead_email=e) for t, e in zip(teams, emails, strict=False)]
    last_team, moved = home.copy(), np.full(len(home), NEVER, dtype=np.int64)
    first_agent = np.concatenate([[0], np.cumsum(sizes)])
    for t in transfers:
        agent = first_agent[t.team] + t.slot
        last_team[agent], moved[agent] = t.to_team, t.day
    end = np.full(len(home), NEVER, dtype=np.int64)
    for leaver in leavers:
        end[first_agent[leaver.team] + leaver.slot] = leaver.last_day
    return Staff(
        tuple(teams),
        tuple(f"A{i + 1:04d}" for i in range(len(home))),
        tuple(f"{first} {last}" for first, last in names),
        emails[len(leads) :],
        home.astype(np.int64),
        last_team.astype(np.int64),
        moved,
        start.astype(np.int64),
        end,
    )


def person_name(rng: np.random.Generator, pool: str) -> tuple[str, str]:
    firsts, lasts = NAMES[pool]
    return firsts[rng.integers(len(firsts))], lasts[rng.integers(len(lasts))]


def email_of(first: str, last: str, suffix: str = "") -> str:
    local = f"{ascii_slug(first)}.{ascii_slug(last)}{suffix}"
    return f"{local}@{VENDOR_DOMAIN}"


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def unique_emails(names: list[tuple[str, str]]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for first, last in names:
        base = email_of(first, last)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else email_of(first, last, str(seen[base])))
    return tuple(out)


def roster_table(staff: Staff) -> pa.Table:
    """One row per membership: a transferred agent has two rows that do not overlap."""
    rows = []
    for a in range(staff.size):
        rows.extend(_membership_rows(staff, a))
    return pa.Table.from_pylist(rows, schema=ROSTER_SCHEMA)


def _membership_rows(staff: Staff, a: int) -> list[dict]:
    start, end, moved = staff.start_day[a], staff.end_day[a], staff.transfer_day[a]
    if moved == NEVER:
        return [_roster_row(staff, a, staff.first_team[a], start, end)]
    return [
        _roster_row(staff, a, staff.first_team[a], start, moved - 1),
        _roster_row(staff, a, staff.last_team[a], moved, end),
    ]


def _roster_row(staff: Staff, a: int, team_index: int, start: int, end: int) -> dict:
    team = staff.teams[int(team_index)]
    program = PROGRAMS[team.program]
    return {
        "agent_id": staff.agent_ids[a],
        "name": staff.names[a],
        "email": staff.emails[a],
        "team_id": team.team_id,
        "team_name": team.name,
        "program_id": program.program_id,
        "program_name": program.name,
        "client_name": program.client_name,
        "team_lead_email": team.lead_email,
        "start_date": _date_or_none(start),
        "end_date": _date_or_none(end),
        "time_zone": program.time_zone,
    }


def _date_or_none(day: int) -> dt.date | None:
    return None if day >= NEVER else date_of_day_number(day)


ROSTER_SCHEMA = pa.schema(
    [
        ("agent_id", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("team_id", pa.string()),
        ("team_name", pa.string()),
        ("program_id", pa.string()),
        ("program_name", pa.string()),
        ("client_name", pa.string()),
        ("team_lead_email", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("time_zone", pa.string()),
    ]
)
