"""The validation study: the diagnosis run over generated programs whose truth is known.

Its own generator, separate from the demo: programs of three teams drawn from scenario
families (null agents, individual drops of several sizes and cadences, team-wide drops with
and without a recorded event, long-wait queues, blended agents, new hires, transfers mid-window,
harsh and lenient evaluators), built straight into `DiagnosisInputs` (weekly observations with
their intervals, team values, floors, the mix cells of the judged weeks, coaching and events)
and scored against what each family planted.

Pure: numpy and the rules, no Django, no Ibis. `run_study` is what `make validate` reports.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from upswing import stats
from upswing.findings.rules.types import (
    AgentSeries,
    CoachingRecord,
    ContextEvent,
    DiagnosisConfig,
    DiagnosisInputs,
    MixCell,
    MixProfile,
    Observation,
)
from upswing.periods import Period, PeriodKind

LAST = Period(PeriodKind.WEEK, dt.date(2026, 10, 19))
WEEKS = 8
TEAMS = 3
TEAM_SIZE = 10
ACTIONS = ("coach", "train", "pip")
EFFECTS = (1.0, 2.0, 3.0, 4.0)  # an individual drop: standard errors of one week below the floor


@dataclass(frozen=True, slots=True)
class MetricModel:
    """How one metric is generated: a share (success chance per contact) or a mean."""

    code: str
    share: bool
    level: float  # a typical agent (chance for a share, mean for a mean)
    spread: float  # agents' sd around their team, and teams' around the level
    sd: float  # one observation's sd (means only)
    floor: float  # in the metric's unit (percent for shares)
    volume: int  # observations a week at the usual cadence
    cadences: tuple[int, ...]  # weekly volumes an individual drop is studied at
    higher: bool = True


MODELS = {
    "fcr": MetricModel("fcr", True, 0.84, 0.015, 0.0, 70.0, 45, (45,)),
    "csat": MetricModel("csat", True, 0.84, 0.015, 0.0, 65.0, 8, (4, 8, 15)),
    "aht": MetricModel("aht", False, 420.0, 12.0, 150.0, 600.0, 45, (45,), higher=False),
    "qa": MetricModel("qa", False, 91.0, 1.0, 8.0, 80.0, 4, (2, 4, 8)),
}
# mix cells: (channel, wait band, topic), their usual shares, and what each does to a metric
CHANNELS = (("voice", 0.7), ("chat", 0.3))
WAITS = (("short", 0.9), ("long", 0.1))
TOPICS = (("general", 0.8), ("billing", 0.2))
CELL_EFFECT = {  # additive: chance for shares, unit for means
    ("csat", "wait", "long"): -0.40,
    ("csat", "topic", "billing"): -0.04,
    ("fcr", "topic", "billing"): -0.22,
    ("aht", "topic", "billing"): 110.0,
}


@dataclass(slots=True)
class Agent:
    agent_id: str
    teams: list[int]  # team per week
    level: dict[str, float]
    shift: dict[str, np.ndarray]  # per metric, per week: added to the level
    volume: dict[str, np.ndarray]  # per metric, per week
    long_share: np.ndarray  # per week
    billing_share: np.ndarray
    role: str = "null"  # null, drop, context, systemic
    metric: str = ""  # the metric the role is about
    effect: float = 0.0
    cadence: int = 0
    coached: bool = False


@dataclass(slots=True)
class Program:
    program_id: str
    family: str
    agents: list[Agent]
    events: list[ContextEvent] = field(default_factory=list)
    coaching: list[CoachingRecord] = field(default_factory=list)


FAMILIES = (
    "null",
    "individual_drop",
    "team_drop_event",
    "team_drop_no_event",
    "long_wait_agent",
    "long_wait_team",
    "blended_agent",
    "new_hires",
    "transfers",
    "harsh_evaluator",
    "lenient_evaluator",
)


def week_periods() -> list[Period]:
    periods = [LAST]
    while len(periods) < WEEKS:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def se_of_week(model: MetricModel, volume: int) -> float:
    """One week's standard error at the floor, in the metric's unit."""
    if model.share:
        p = model.floor / 100
        return 100 * math.sqrt(p * (1 - p) / volume)
    return model.sd / math.sqrt(volume)


# --- building a program ---------------------------------------------------------------------


def make_program(rng: np.random.Generator, index: int, family: str) -> Program:
    team_levels = {
        t: {m: rng.normal(0, model.spread) for m, model in MODELS.items()} for t in range(TEAMS)
    }
    agents = []
    for t in range(TEAMS):
        for slot in range(TEAM_SIZE):
            level = {
                m: model.level + team_levels[t][m] + rng.normal(0, model.spread)
                for m, model in MODELS.items()
            }
            agents.append(
                Agent(
                    agent_id=f"S{index:03d}-{t}{slot:02d}",
                    teams=[t] * WEEKS,
                    level=level,
                    shift={m: np.zeros(WEEKS) for m in MODELS},
                    volume={m: np.full(WEEKS, float(model.volume)) for m, model in MODELS.items()},
                    long_share=np.full(WEEKS, WAITS[1][1]),
                    billing_share=np.full(WEEKS, TOPICS[1][1]),
                )
            )
    program = Program(f"SP{index:03d}", family, agents)
    PLANTERS[family](rng, program)
    return program


def _coach(program: Program, agent: Agent, metric: str, weeks_back: tuple[int, ...]) -> None:
    """Sessions on `metric` on the Tuesday of weeks `weeks_back` before the last."""
    for back in weeks_back:
        day = LAST.start - dt.timedelta(days=7 * back) + dt.timedelta(days=1)
        program.coaching.append(
            CoachingRecord(f"{agent.agent_id}-{metric}-{back}", agent.agent_id, day, "one_to_one",
                           metric, f"{metric} review")
        )  # fmt: skip
    agent.coached = True


def _drop_level(model: MetricModel, effect: float, volume: int) -> float:
    """The level `effect` weekly standard errors on the wrong side of the floor."""
    se = se_of_week(model, volume)
    value = model.floor - effect * se if model.higher else model.floor + effect * se
    return value / 100 if model.share else value


def _plant_null(rng, program: Program) -> None:
    for agent in program.agents:
        if rng.random() < 0.3:  # coaching on record makes a wrong call a plan, not a talk
            _coach(program, agent, str(rng.choice(list(MODELS))), (7, 3))


def _plant_individual(rng, program: Program) -> None:
    _plant_null(rng, program)
    chosen = rng.choice(len(program.agents), 6, replace=False)
    for i in chosen:
        agent = program.agents[int(i)]
        metric = str(rng.choice(list(MODELS)))
        model = MODELS[metric]
        cadence = int(rng.choice(model.cadences))
        effect = float(rng.choice(EFFECTS))
        target = _drop_level(model, effect, cadence)
        agent.volume[metric][:] = cadence
        ramp = rng.random() < 0.5  # a step in the last 4 weeks, or a ramp reaching it
        steps = np.array([0.25, 0.5, 0.75, 1, 1, 1, 1]) if ramp else np.array([0, 0, 0, 1, 1, 1, 1])
        agent.shift[metric][-len(steps) :] = steps * (target - agent.level[metric])
        agent.role, agent.metric, agent.effect, agent.cadence = "drop", metric, effect, cadence
        agent.coached = False
        program.coaching = [c for c in program.coaching if c.agent_id != agent.agent_id]
        if rng.random() < 0.5:
            _coach(program, agent, metric, (7, 3))


def _team_drop(rng, program: Program, *, with_event: bool) -> None:
    _plant_null(rng, program)
    team = int(rng.integers(TEAMS))
    metric = str(rng.choice(list(MODELS)))
    model = MODELS[metric]
    target = _drop_level(model, float(rng.choice((2.0, 3.0))), model.volume)
    first = WEEKS - 3
    for agent in program.agents:
        if agent.teams[-1] != team:
            continue
        agent.shift[metric][first:] = target - agent.level[metric]
        agent.role, agent.metric = "systemic", metric
        _coach(program, agent, metric, (7, 3))
    if with_event:
        weeks = week_periods()
        program.events.append(
            ContextEvent(f"{program.program_id}-E1", program.program_id, f"T{team}",
                         "tool_change", weeks[first].start, weeks[-1].end, "study event")
        )  # fmt: skip


def _long_wait(rng, program: Program, *, whole_team: bool) -> None:
    _plant_null(rng, program)
    team = int(rng.integers(TEAMS))
    members = [a for a in program.agents if a.teams[-1] == team]
    picked = members if whole_team else [members[int(rng.integers(len(members)))]]
    for agent in picked:
        agent.long_share[-6:] = rng.uniform(0.6, 0.8)
        agent.role, agent.metric = "context", "csat"
        _coach(program, agent, "csat", (7, 3))


def _blended(rng, program: Program) -> None:
    _plant_null(rng, program)
    for i in rng.choice(len(program.agents), 2, replace=False):
        agent = program.agents[int(i)]
        agent.billing_share[-6:] = rng.uniform(0.7, 0.9)
        agent.role, agent.metric = "context", "fcr"
        _coach(program, agent, "fcr", (7, 3))


def _new_hires(rng, program: Program) -> None:
    _plant_null(rng, program)
    for i in rng.choice(len(program.agents), 3, replace=False):
        agent = program.agents[int(i)]
        start = WEEKS - int(rng.integers(1, 4))
        for metric, model in MODELS.items():
            agent.volume[metric][:start] = 0
            agent.volume[metric][start:] = np.maximum(1, model.volume * rng.uniform(0.2, 0.5))
            agent.shift[metric][start:] = (-0.3 if model.higher else 0.3) * (
                se_of_week(model, model.volume) / (100 if model.share else 1)
            )


def _transfers(rng, program: Program) -> None:
    _plant_null(rng, program)
    for i in rng.choice(len(program.agents), 3, replace=False):
        agent = program.agents[int(i)]
        moved = int(rng.integers(2, WEEKS - 1))
        new_team = (agent.teams[0] + 1 + int(rng.integers(TEAMS - 1))) % TEAMS
        agent.teams[moved:] = [new_team] * (WEEKS - moved)


def _evaluator(rng, program: Program, *, harsh: bool) -> None:
    _plant_null(rng, program)
    team = int(rng.integers(TEAMS))
    model = MODELS["qa"]
    shift = -(model.level - model.floor + 2 * se_of_week(model, model.volume)) if harsh else 4.0
    for agent in program.agents:
        if agent.teams[-1] != team:
            continue
        agent.shift["qa"][-4:] = shift
        if harsh:
            agent.role, agent.metric = "systemic", "qa"
            _coach(program, agent, "qa", (7, 3))


PLANTERS = {
    "null": _plant_null,
    "individual_drop": _plant_individual,
    "team_drop_event": lambda rng, p: _team_drop(rng, p, with_event=True),
    "team_drop_no_event": lambda rng, p: _team_drop(rng, p, with_event=False),
    "long_wait_agent": lambda rng, p: _long_wait(rng, p, whole_team=False),
    "long_wait_team": lambda rng, p: _long_wait(rng, p, whole_team=True),
    "blended_agent": _blended,
    "new_hires": _new_hires,
    "transfers": _transfers,
    "harsh_evaluator": lambda rng, p: _evaluator(rng, p, harsh=True),
    "lenient_evaluator": lambda rng, p: _evaluator(rng, p, harsh=False),
}


# --- drawing the observations ---------------------------------------------------------------

CELLS = [(c, w, t, pc * pw * pt) for c, pc in CHANNELS for w, pw in WAITS for t, pt in TOPICS]


def _cell_shares(agent: Agent, week: int) -> np.ndarray:
    long, billing = agent.long_share[week], agent.billing_share[week]
    shares = []
    for channel, wait, topic, _ in CELLS:
        pc = dict(CHANNELS)[channel]
        pw = long if wait == "long" else 1 - long
        pt = billing if topic == "billing" else 1 - billing
        shares.append(pc * pw * pt)
    return np.array(shares) / sum(shares)


def _cell_effect(metric: str, cell: tuple[str, str, str, float]) -> float:
    _, wait, topic, _ = cell
    return CELL_EFFECT.get((metric, "wait", wait), 0.0) + CELL_EFFECT.get(
        (metric, "topic", topic), 0.0
    )


def draw_inputs(rng: np.random.Generator, program: Program, config: DiagnosisConfig):
    """The program's DiagnosisInputs: every agent's weekly observations with intervals, the
    team values, the floors, and the judged weeks' mix cells."""
    periods = week_periods()
    # [metric][agent][week][cell] -> (n, total, squares)
    cells = {m: np.zeros((len(program.agents), WEEKS, len(CELLS), 3)) for m in MODELS}
    for m, model in MODELS.items():
        for a, agent in enumerate(program.agents):
            for w in range(WEEKS):
                volume = agent.volume[m][w]
                if volume <= 0:
                    continue
                n = rng.poisson(volume)
                counts = rng.multinomial(n, _cell_shares(agent, w))
                base = agent.level[m] + agent.shift[m][w]
                for c, count in enumerate(counts):
                    if count == 0:
                        continue
                    mu = base + _cell_effect(m, CELLS[c])
                    if model.share:
                        hits = rng.binomial(count, min(max(mu, 0.0), 1.0))
                        cells[m][a, w, c] = (count, hits, hits)
                    else:
                        values = rng.normal(mu, model.sd, count)
                        if m == "qa":
                            values = np.clip(values, 0.0, 100.0)
                        else:
                            values = np.maximum(values, 30.0)
                        cells[m][a, w, c] = (count, values.sum(), (values * values).sum())
    series = []
    for m, model in MODELS.items():
        totals = cells[m].sum(axis=2)  # agent, week, (n, total, squares)
        team_totals = defaultdict(lambda: np.zeros(2))
        for a, agent in enumerate(program.agents):
            for w in range(WEEKS):
                team_totals[(agent.teams[w], w)] += totals[a, w, :2]
        for a, agent in enumerate(program.agents):
            observations = []
            for w, period in enumerate(periods):
                n, total, squares = totals[a, w]
                if n == 0:
                    continue
                team_n, team_total = team_totals[(agent.teams[w], w)]
                observations.append(
                    _observation(model, period, int(n), total, squares, team_total / team_n)
                )
            series.append(
                AgentSeries(agent.agent_id, f"T{agent.teams[-1]}", program.program_id, m,
                            tuple(observations))
            )  # fmt: skip
    return DiagnosisInputs(
        as_of=LAST.end,
        last_period=LAST,
        series=tuple(series),
        events=tuple(program.events),
        coaching=tuple(program.coaching),
        mixes=_mixes(program, cells, config),
        config=config,
    )


def _observation(model, period, n, total, squares, team_mean) -> Observation:
    scale = 100.0 if model.share else 1.0
    value = scale * total / n
    if model.share:
        interval = stats.compute_wilson_interval(total, n)
        low, high = 100 * interval.low, 100 * interval.high
    else:
        mean = total / n
        sd = math.sqrt(max(0.0, (squares - n * mean * mean) / (n - 1))) if n > 1 else 0.0
        interval = stats.compute_mean_interval(mean, sd, n) if n > 1 else None
        low, high = (interval.low, interval.high) if interval else (None, None)
    return Observation(period, value, total, n, low, high, scale * team_mean, model.floor)


def _mixes(program: Program, cells: dict, config: DiagnosisConfig) -> tuple[MixProfile, ...]:
    out = []
    for m in MODELS:
        weeks = max(config.window, config.pooled_weeks_for(m))  # as the service loads them
        window = cells[m][:, -weeks:].sum(axis=1)  # agent, cell, (n, total, squares)
        program_cells = window.sum(axis=0)
        for a, agent in enumerate(program.agents):
            mine = tuple(_mix_cell(c, window[a, i]) for i, c in enumerate(CELLS) if window[a, i, 0])
            peers = tuple(
                _mix_cell(c, program_cells[i] - window[a, i]) for i, c in enumerate(CELLS)
            )
            out.append(MixProfile(agent.agent_id, m, mine, peers))
    return tuple(out)


def _mix_cell(cell, values) -> MixCell:
    channel, wait, topic, _ = cell
    return MixCell(channel, wait, topic, int(values[0]), float(values[1]), float(values[2]))
