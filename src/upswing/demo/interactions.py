"""The demo's interactions: one row per contact, drawn agent-day by agent-day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upswing.demo.catalog import PROGRAMS
from upswing.demo.clock import DAY, HOUR, Window, ZoneTable, iso_strings
from upswing.demo.effects import Effects
from upswing.demo.org import Staff
from upswing.demo.skills import Skills

# the understaffed queue behind the long-wait case: program index -> (topic, median wait)
LONG_WAIT_QUEUES = {0: ("retention", 240.0)}
SHIFT_SECONDS = 8 * HOUR


@dataclass(frozen=True, slots=True)
class Contacts:
    """Interactions as numpy columns, sorted by start time; ids are `I` + 7 digits."""

    agent: np.ndarray
    team: np.ndarray
    program: np.ndarray
    week: np.ndarray
    utc: np.ndarray
    channel: np.ndarray  # index into CHANNEL_NAMES
    topic: np.ndarray  # object array of topic names
    answered: np.ndarray
    wait: np.ndarray  # float, NaN: none
    handle: np.ndarray
    hold: np.ndarray  # float, NaN: none
    resolved: np.ndarray
    reopened: np.ndarray
    escalated: np.ndarray
    transferred: np.ndarray
    mood: np.ndarray  # latent customer satisfaction, drives survey scores

    @property
    def size(self) -> int:
        return len(self.agent)

    def ids(self) -> pa.Array:
        return interaction_ids(np.arange(self.size))


CHANNEL_NAMES = ("voice", "chat", "email")


def interaction_ids(numbers: np.ndarray, prefix: str = "I", width: int = 7) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers + 1), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def draw_contacts(
    rng: np.random.Generator,
    staff: Staff,
    skills: Skills,
    effects: Effects,
    window: Window,
    zones: ZoneTable,
) -> Contacts:
    agent, day_index = _draw_agent_days(rng, staff, skills, effects, window)
    day = window.first_day_number + day_index
    week = day_index // 7
    team = staff.team_on(agent, day)
    program = staff.program_of_team()[team]
    local = day * DAY + _shift_seconds(rng, skills, agent, program)
    utc = zones.utc_of_local(program, local)
    hits = effects.apply_disturbances(day, program, team)
    channel = _draw_channels(rng, program)
    topic, long_wait = _draw_topics(rng, program, effects.long_wait_share[agent, week])
    wait = _draw_wait(rng, program, channel, long_wait, hits["wait_mult"])
    answered = _draw_answered(rng, program, channel, wait, hits["wait_mult"])
    columns = _draw_outcomes(rng, skills, effects, agent, week, program, channel, answered, hits)
    columns["mood"] += -_wait_penalty(wait) + hits["csat_shift"] + effects.csat_shift[agent, week]
    order = np.lexsort((agent, utc))
    fields = dict(agent=agent, team=team, program=program, week=week, utc=utc, channel=channel,
                  topic=topic, answered=answered, wait=wait, **columns)  # fmt: skip
    return Contacts(**{name: values[order] for name, values in fields.items()})


def _draw_agent_days(
    rng: np.random.Generator, staff: Staff, skills: Skills, effects: Effects, window: Window
) -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(7 * window.weeks)
    day_number = window.first_day_number + days
    works = skills.workdays[:, days % 7]
    works &= (day_number >= staff.start_day[:, None]) & (day_number <= staff.end_day[:, None])
    mean = skills.weekly_volume[:, None] / 5 * effects.volume_mult[:, days // 7]
    counts = rng.poisson(mean) * works
    agent, day_index = np.nonzero(counts)
    reps = counts[agent, day_index]
    return np.repeat(agent, reps), np.repeat(day_index, reps)


def _shift_seconds(
    rng: np.random.Generator, skills: Skills, agent: np.ndarray, program: np.ndarray
) -> np.ndarray:
    starts = np.zeros(len(agent))
    for p, prog in enumerate(PROGRAMS):
        mask = program == p
        options = np.array(prog.shift_starts)
        pick = (skills.shift_pick[agent[mask]] * len(options)).astype(np.int64)
        starts[mask] = options[pick] * HOUR
    return (starts + rng.uniform(0, SHIFT_SECONDS, len(agent))).astype(np.int64)


def _draw_channels(rng: np.random.Generator, program: np.ndarray) -> np.ndarray:
    channel = np.zeros(len(program), dtype=np.int64)
    for p, prog in enumerate(PROGRAMS):
        mask = program == p
        codes = [CHANNEL_NAMES.index(c.channel) for c in prog.channels]
        shares = [c.share for c in prog.channels]
        channel[mask] = rng.choice(codes, size=int(mask.sum()), p=shares)
    return channel


def _draw_topics(
    rng: np.random.Generator, program: np.ndarray, long_wait_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    topic = np.empty(len(program), dtype=object)
    long_wait = np.zeros(len(program), dtype=bool)
    for p, prog in enumerate(PROGRAMS):
        mask = program == p
        names, shares = zip(*prog.topics, strict=True)
        topic[mask] = rng.choice(np.array(names, dtype=object), size=int(mask.sum()), p=shares)
        if p in LONG_WAIT_QUEUES:
            queue = LONG_WAIT_QUEUES[p][0]
            routed = mask & ~np.isnan(long_wait_share)
            routed &= rng.random(len(program)) < np.nan_to_num(long_wait_share)
            topic[routed] = queue
            long_wait |= mask & (topic == queue)
    return topic, long_wait


def _draw_wait(
    rng: np.random.Generator,
    program: np.ndarray,
    channel: np.ndarray,
    long_wait: np.ndarray,
    wait_mult: np.ndarray,
) -> np.ndarray:
    median = np.full(len(program), np.nan)
    for p, prog in enumerate(PROGRAMS):
        for c in prog.channels:
            if c.wait_median is not None:
                median[(program == p) & (channel == CHANNEL_NAMES.index(c.channel))] = c.wait_median
        if p in LONG_WAIT_QUEUES:
            median[long_wait & (program == p) & ~np.isnan(median)] = LONG_WAIT_QUEUES[p][1]
    wait = np.round(median * wait_mult * rng.lognormal(0.0, 0.7, len(program)))
    return wait


def _draw_answered(
    rng: np.random.Generator,
    program: np.ndarray,
    channel: np.ndarray,
    wait: np.ndarray,
    wait_mult: np.ndarray,
) -> np.ndarray:
    rate = np.zeros(len(program))
    for p, prog in enumerate(PROGRAMS):
        for c in prog.channels:
            rate[(program == p) & (channel == CHANNEL_NAMES.index(c.channel))] = c.abandon_rate
    # longer waits lose more callers: roughly proportional to the wait, capped
    pressure = np.clip(np.nan_to_num(wait, nan=0.0) / 20.0, 0.3, 5.0) * np.sqrt(wait_mult)
    return rng.random(len(program)) >= rate * pressure


def _draw_outcomes(
    rng: np.random.Generator,
    skills: Skills,
    effects: Effects,
    agent: np.ndarray,
    week: np.ndarray,
    program: np.ndarray,
    channel: np.ndarray,
    answered: np.ndarray,
    hits: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    n = len(agent)
    median = np.zeros(n)
    for p, prog in enumerate(PROGRAMS):
        for c in prog.channels:
            median[(program == p) & (channel == CHANNEL_NAMES.index(c.channel))] = c.handle_median
    speed = skills.handle_mult[agent] * effects.handle_mult[agent, week] * hits["handle_mult"]
    handle = np.maximum(20, np.round(median * speed * rng.lognormal(0.0, 0.45, n)))
    p_resolve = skills.p_resolve[agent] + effects.resolve_delta[agent, week] + hits["resolve_delta"]
    resolved = answered & (rng.random(n) < np.clip(p_resolve, 0.05, 0.98))
    p_reopen = np.clip(skills.p_reopen[agent] + effects.reopen_delta[agent, week], 0.0, 0.9)
    reopened = resolved & (rng.random(n) < p_reopen)
    p_escalate = (
        skills.p_escalate[agent] + effects.escalate_delta[agent, week] + hits["escalate_delta"]
    )
    escalated = answered & (rng.random(n) < np.clip(p_escalate, 0.0, 0.9))
    transferred = answered & (channel != 2) & (rng.random(n) < skills.p_transfer[agent])
    voice = channel == 0
    hold = np.where(voice, np.minimum(np.round(rng.exponential(70, n)), handle // 2), np.nan)
    hold[voice & (rng.random(n) < 0.62)] = 0
    good = resolved & ~reopened
    mood = 2.2 * good - 0.35 * escalated - 0.2 * transferred + skills.csat_bias[agent]
    return {
        "handle": np.where(answered, handle, 0),
        "hold": np.where(answered, hold, np.nan),
        "resolved": resolved,
        "reopened": reopened,
        "escalated": escalated,
        "transferred": transferred,
        "mood": mood,
    }


def _wait_penalty(wait: np.ndarray) -> np.ndarray:
    return np.clip(0.012 * (np.nan_to_num(wait, nan=0.0) - 20), 0.0, 2.5)


def interactions_table(contacts: Contacts, staff: Staff, zones: ZoneTable) -> pa.Table:
    c = contacts
    offsets = zones.offset_at(c.program, c.utc)
    program_ids = pa.array([p.program_id for p in PROGRAMS]).take(pa.array(c.program))
    return pa.table(
        {
            "interaction_id": c.ids(),
            "agent_id": pa.array(staff.agent_ids).take(pa.array(c.agent)),
            "started_at": iso_strings(c.utc, offsets),
            "handle_seconds": pa.array(c.handle.astype(np.int64)),
            "program_id": program_ids,
            "channel": pa.array(CHANNEL_NAMES).take(pa.array(c.channel)),
            "answered": pa.array(c.answered),
            "wait_seconds": _nullable_ints(c.wait),
            "hold_seconds": _nullable_ints(c.hold),
            "resolved": pa.array(c.resolved),
            "reopened": pa.array(c.reopened),
            "escalated": pa.array(c.escalated),
            "transferred": pa.array(c.transferred),
            "topic": pa.array(c.topic.tolist(), pa.string()),
        }
    )


def _nullable_ints(values: np.ndarray) -> pa.Array:
    missing = np.isnan(values)
    return pa.array(np.nan_to_num(values).astype(np.int64), mask=missing)
