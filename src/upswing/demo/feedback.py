"""Surveys and QA evaluations drawn from the demo's interactions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from upswing.demo.catalog import PROGRAMS, VENDOR_DOMAIN
from upswing.demo.clock import DAY, HOUR, Window, ZoneTable, iso_strings
from upswing.demo.effects import CATEGORIES, Effects
from upswing.demo.interactions import Contacts, interaction_ids
from upswing.demo.org import Staff
from upswing.demo.skills import Skills

SURVEY_RATES = {"csat": 0.15, "nps": 0.04, "ces": 0.03}
CSAT_CUTS = np.array([-2.5, -1.2, 0.0, 1.6])
COMMENT_RATE = 0.25
COMMENTS = {
    "low": (
        "Waited far too long to get through.",
        "Had to explain everything twice.",
        "Still not fixed, I will have to call again.",
        "The agent seemed in a hurry.",
    ),
    "mid": ("It was OK.", "Took a while but sorted in the end.", "Fine, nothing special."),
    "high": (
        "Very helpful, thank you!",
        "Solved on the first call.",
        "Friendly and quick.",
        "Great service, explained everything clearly.",
    ),
}


def surveys_table(rng: np.random.Generator, contacts: Contacts, zones: ZoneTable) -> pa.Table:
    parts = [_survey_part(rng, contacts, zones, kind, rate) for kind, rate in SURVEY_RATES.items()]
    table = pa.concat_tables(parts)
    return table.sort_by([("interaction_id", "ascending"), ("kind", "ascending")])


def _survey_part(
    rng: np.random.Generator, contacts: Contacts, zones: ZoneTable, kind: str, rate: float
) -> pa.Table:
    c = contacts
    picked = np.flatnonzero(c.answered & (rng.random(c.size) < rate))
    score = survey_scores(rng, kind, c.mood[picked])
    delay = 300 + rng.exponential(3 * HOUR, len(picked)).astype(np.int64)
    responded = c.utc[picked] + c.handle[picked].astype(np.int64) + delay
    offsets = zones.offset_at(c.program[picked], responded)
    return pa.table(
        {
            "interaction_id": interaction_ids(picked),
            "kind": pa.array([kind] * len(picked), pa.string()),
            "score": pa.array(score),
            "responded_at": iso_strings(responded, offsets),
            "comment": _comments(rng, kind, score),
        }
    )


def survey_scores(rng: np.random.Generator, kind: str, mood: np.ndarray) -> np.ndarray:
    """Scores on the kind's scale from the customer's latent satisfaction plus noise."""
    x = mood + rng.logistic(0.0, 1.0, len(mood))
    if kind == "csat":
        return np.digitize(x, CSAT_CUTS).astype(np.int64) + 1
    if kind == "nps":
        return np.clip(np.round(6.8 + 1.2 * x), 0, 10).astype(np.int64)
    return np.clip(np.round(4.6 + 0.8 * x), 1, 7).astype(np.int64)


def _comments(rng: np.random.Generator, kind: str, score: np.ndarray) -> pa.Array:
    low, high = {"csat": (2, 4), "nps": (6, 9), "ces": (3, 6)}[kind]
    band = np.where(score <= low, "low", np.where(score >= high, "high", "mid"))
    pick = rng.integers(0, 1_000, len(score))
    says = rng.random(len(score)) < COMMENT_RATE
    texts = [
        COMMENTS[b][p % len(COMMENTS[b])] if s else None
        for b, p, s in zip(band, pick, says, strict=True)
    ]
    return pa.array(texts, pa.string())


def qa_table(
    rng: np.random.Generator,
    contacts: Contacts,
    staff: Staff,
    skills: Skills,
    effects: Effects,
    window: Window,
    zones: ZoneTable,
) -> pa.Table:
    evaluated = _pick_evaluated(rng, contacts, effects)
    c = contacts
    when = _evaluation_times(rng, c, evaluated, window, zones)
    order = np.lexsort((evaluated, when))
    evaluated, when = evaluated[order], when[order]
    parts = []
    for p in range(len(PROGRAMS)):
        mine = np.flatnonzero(c.program[evaluated] == p)
        parts.append(_program_rows(rng, p, c, evaluated, when, mine, staff, skills, effects, zones))
    table = pa.concat_tables(parts)
    return table.sort_by([("evaluation_id", "ascending")])


def _pick_evaluated(rng: np.random.Generator, c: Contacts, effects: Effects) -> np.ndarray:
    """1-3 answered interactions per agent-week (the case's own count where it sets one)."""
    weeks = effects.evaluations.shape[1]
    usual = rng.integers(1, 4, effects.evaluations.shape)
    wanted = np.where(effects.evaluations >= 0, effects.evaluations, usual)
    pool = np.flatnonzero(c.answered)
    group = c.agent[pool] * weeks + c.week[pool]
    order = np.lexsort((rng.random(len(pool)), group))
    pool, group = pool[order], group[order]
    first = np.searchsorted(group, group, side="left")
    rank = np.arange(len(pool)) - first
    return np.sort(pool[rank < wanted.reshape(-1)[group]])


def _evaluation_times(
    rng: np.random.Generator, c: Contacts, picked: np.ndarray, window: Window, zones: ZoneTable
) -> np.ndarray:
    """A few hours to two days after the contact, within the same local week."""
    start = c.utc[picked] + c.handle[picked].astype(np.int64)
    when = start + rng.integers(2 * HOUR, 48 * HOUR, len(picked))
    week_end = (window.first_day_number + 7 * (c.week[picked] + 1)) * DAY
    week_end_utc = zones.utc_of_local(c.program[picked], week_end)
    return np.maximum(np.minimum(when, week_end_utc - HOUR), start + 600)


def _program_rows(
    rng: np.random.Generator,
    p: int,
    c: Contacts,
    evaluated: np.ndarray,
    when: np.ndarray,
    mine: np.ndarray,
    staff: Staff,
    skills: Skills,
    effects: Effects,
    zones: ZoneTable,
) -> pa.Table:
    form = PROGRAMS[p].qa_form
    rows = evaluated[mine]
    agent, week = c.agent[rows], c.week[rows]
    n, k = len(rows), len(form)
    points = np.zeros((n, k))
    for j, criterion in enumerate(form):
        cat = CATEGORIES.index(criterion.category)
        if criterion.critical:
            fail = rng.random(n) < skills.critical_fail[agent]
            points[:, j] = np.where(fail, 0.0, criterion.max_points)
            continue
        q = np.clip(
            skills.quality[agent, cat] + effects.quality_delta[agent, week, cat], 0.02, 0.99
        )
        share = np.where(rng.random(n) < q, 1.0, np.where(rng.random(n) < 0.5, 0.5, 0.0))
        points[:, j] = share * criterion.max_points
    evaluators = [f"{e}@{VENDOR_DOMAIN}" for e in PROGRAMS[p].evaluators]
    evaluator = np.array(evaluators, dtype=object)[rng.integers(len(evaluators), size=n)]
    offsets = zones.offset_at(c.program[rows], when[mine])
    return pa.table(
        {
            "evaluation_id": pa.array(
                np.repeat(interaction_ids(mine, "E", 6).to_numpy(zero_copy_only=False), k)
            ),
            "interaction_id": pa.array(
                np.repeat(interaction_ids(rows).to_numpy(zero_copy_only=False), k)
            ),
            "agent_id": pa.array(np.repeat(np.array(staff.agent_ids, dtype=object)[agent], k)),
            "evaluated_at": pa.array(
                np.repeat(iso_strings(when[mine], offsets).to_numpy(zero_copy_only=False), k)
            ),
            "criterion": pa.array(np.tile(np.array([f.name for f in form], dtype=object), n)),
            "points": pa.array(points.reshape(-1)),
            "max_points": pa.array(np.tile(np.array([float(f.max_points) for f in form]), n)),
            "evaluator": pa.array(np.repeat(evaluator, k), pa.string()),
            "category": pa.array(np.tile(np.array([f.category for f in form], dtype=object), n)),
            "critical": pa.array(np.tile(np.array([f.critical for f in form]), n)),
        }
    )
