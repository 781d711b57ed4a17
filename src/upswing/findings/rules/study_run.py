"""The validation study's scoring and its run: each generated program diagnosed and scored
against what its family planted (`study` generates the programs)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from upswing.findings.rules.diagnose import diagnose
from upswing.findings.rules.study import (
    ACTIONS,
    FAMILIES,
    Agent,
    Program,
    draw_inputs,
    make_program,
)
from upswing.findings.rules.types import DiagnosisConfig

# --- scoring --------------------------------------------------------------------------------


@dataclass(slots=True)
class StudyResult:
    programs: int = 0
    families: Counter = field(default_factory=Counter)
    agents: int = 0
    pips: int = 0
    false_pips: list[str] = field(default_factory=list)
    null_agents: int = 0
    null_flagged: list[str] = field(default_factory=list)
    null_acted_on: int = 0  # of those, flagged with coaching, training or a plan
    # (metric, cadence, effect) -> [found, planted]
    power: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    # family role ("context" / "systemic") -> [right, with a finding, planted]
    attribution: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    wrong_attributions: list[str] = field(default_factory=list)

    @property
    def false_pip_rate(self) -> float:
        return len(self.false_pips) / self.agents if self.agents else 0.0

    @property
    def null_flag_rate(self) -> float:
        return len(self.null_flagged) / self.null_agents if self.null_agents else 0.0

    def power_at(self, effect: float) -> tuple[int, int]:
        found = sum(v[0] for (_, _, e), v in self.power.items() if e == effect)
        planted = sum(v[1] for (_, _, e), v in self.power.items() if e == effect)
        return found, planted

    def attributed_right(self, role: str) -> tuple[int, int]:
        right, found, _ = self.attribution[role]
        return right, found


def score(program: Program, findings, result: StudyResult) -> None:
    by_agent = defaultdict(list)
    for f in findings:
        by_agent[f.agent_id].append(f)
    result.programs += 1
    result.families[program.family] += 1
    for agent in program.agents:
        result.agents += 1
        mine = by_agent[agent.agent_id]
        for f in mine:
            if f.recommendation.value != "pip":
                continue
            result.pips += 1
            rightful = (
                agent.role == "drop"
                and agent.coached
                and f.metric == agent.metric
                and f.kind.value == "sustained_gap"
            )
            if not rightful:
                result.false_pips.append(_show(program, agent, f))
        if agent.role == "null":
            result.null_agents += 1
            beyond = [f for f in mine if f.recommendation.value != "monitor"]
            if beyond:
                result.null_flagged.append(_show(program, agent, beyond[0]))
                result.null_acted_on += any(f.recommendation.value in ACTIONS for f in beyond)
        elif agent.role == "drop":
            key = (agent.metric, agent.cadence, agent.effect)
            result.power[key][1] += 1
            if any(
                f.metric == agent.metric
                and f.kind.value == "sustained_gap"
                and f.cause.value == "individual"
                for f in mine
            ):
                result.power[key][0] += 1
        else:
            counts = result.attribution[agent.role]
            counts[2] += 1
            about = [f for f in mine if f.metric == agent.metric]
            if about:
                counts[1] += 1
                expected = ("context", "systemic") if agent.role == "context" else ("systemic",)
                right = all(
                    f.cause.value in expected and f.recommendation.value not in ACTIONS
                    for f in about
                )
                if right:
                    counts[0] += 1
                else:
                    result.wrong_attributions.append(_show(program, agent, about[0]))


def _show(program: Program, agent: Agent, f) -> str:
    role = f"{agent.role} {agent.metric}" if agent.metric else agent.role
    return (
        f"{program.family} {agent.agent_id} ({role}): {f.metric} "
        f"{f.kind.value} {f.cause.value}/{f.recommendation.value}"
    )


def family_plan(programs: int) -> list[str]:
    """Half the programs carry individual drops (the power table needs them), the rest are
    spread evenly over the other families."""
    others = [f for f in FAMILIES if f != "individual_drop"]
    plan = ["individual_drop"] * (programs // 2)
    plan += [others[i % len(others)] for i in range(programs - len(plan))]
    return plan


def run_study(programs: int = 240, seed: int = 20261202, config: DiagnosisConfig | None = None):
    config = config or DiagnosisConfig()
    rng = np.random.default_rng(seed)
    result = StudyResult()
    for index, family in enumerate(family_plan(programs)):
        program = make_program(rng, index, family)
        inputs = draw_inputs(rng, program, config)
        score(program, diagnose(inputs).findings, result)
    return result
