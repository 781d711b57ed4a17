"""Evaluator severity: who scores harder or softer than their peers on the same people.

The model (stated on the page and in `upswing qa leniency`): each evaluation's overall score

    score = mean + unit effect + evaluator effect + noise

with fixed effects, fitted by least squares. A unit is the agent for everyday evaluations and
the interaction for a calibration session, so calibration and overlapping everyday scoring
both tie evaluators together. Evaluator effects are identified only within a connected group
(evaluators linked through units they both scored); within each group they are centred on
their evaluation-weighted mean, so an effect reads "points above (lenient) or below (harsh)
the group's typical evaluator on the same units". Its standard error comes from the residual
variance; an evaluator is an outlier when the effect is at least `min_effect` points and
`z` standard errors from 0 on at least `min_evaluations` evaluations.

Adjusted QA subtracts each evaluation's evaluator effect; it is shown beside the raw score,
never instead of it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Scored:
    unit: str  # "agent:A17" or "calibration:12:item-3"
    evaluator: str
    score: float
    agent_id: str = ""  # the agent, for everyday evaluations


@dataclass(frozen=True, slots=True)
class LeniencyConfig:
    min_effect: float = 5.0  # points of 100
    z: float = 2.576  # two-sided 1%
    min_evaluations: int = 10
    mostly_share: float = 0.5  # an agent is "mostly" scored by an outlier above this share
    min_agent_evaluations: int = 3


@dataclass(frozen=True, slots=True)
class Severity:
    evaluator: str
    effect: float | None  # points; > 0 lenient, < 0 harsh; None: not comparable
    se: float | None
    evaluations: int
    group: int  # connected group number
    outlier: bool = False
    note: str = ""

    @property
    def direction(self) -> str:
        if self.effect is None:
            return "not comparable"
        if not self.outlier:
            return "in line"
        return "harsh" if self.effect < 0 else "lenient"


@dataclass(frozen=True, slots=True)
class AgentAdjustment:
    agent_id: str
    evaluations: int
    raw: float
    adjusted: float | None
    outlier_share: float  # share of evaluations by outlier evaluators
    main_evaluator: str
    main_share: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class LeniencyResult:
    severities: tuple[Severity, ...]
    agents: tuple[AgentAdjustment, ...]
    residual_sd: float | None
    evaluations: int


def estimate_leniency(
    rows: Iterable[Scored],
    config: LeniencyConfig = LeniencyConfig(),
) -> LeniencyResult:
    data = [r for r in rows if r.score is not None and math.isfinite(r.score)]
    groups = _components(data)
    severities: list[Severity] = []
    residual_sd = None
    for number, evaluators in enumerate(groups, start=1):
        subset = [r for r in data if r.evaluator in evaluators]
        fitted, residual_sd_group = _fit(subset, sorted(evaluators), number, config)
        severities += fitted
        residual_sd = residual_sd_group if residual_sd is None else residual_sd
    effects = {s.evaluator: s for s in severities}
    return LeniencyResult(
        severities=tuple(sorted(severities, key=lambda s: s.evaluator)),
        agents=_agents(data, effects, config),
        residual_sd=residual_sd,
        evaluations=len(data),
    )


def _components(data: Sequence[Scored]) -> list[set[str]]:
    """Evaluators linked by units they both scored (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in data:
        parent[find("e:" + r.evaluator)] = find("u:" + r.unit)
    groups: dict[str, set[str]] = defaultdict(set)
    for r in data:
        groups[find("e:" + r.evaluator)].add(r.evaluator)
    return sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))


def _fit(rows, evaluators, group, config) -> tuple[list[Severity], float | None]:
    counts = {e: sum(1 for r in rows if r.evaluator == e) for e in evaluators}
    if len(evaluators) < 2:
        note = "scores units nobody else scored: not comparable"
        return [Severity(e, None, None, counts[e], group, note=note) for e in evaluators], None
    units = sorted({r.unit for r in rows})
    u_index = {u: i for i, u in enumerate(units)}
    e_index = {e: len(units) + i for i, e in enumerate(evaluators)}
    cols_u = np.array([u_index[r.unit] for r in rows])
    cols_e = np.array([e_index[r.evaluator] for r in rows])
    y = np.array([r.score for r in rows], dtype=float)
    # Normal equations built from counts (X is two dummies per row, never formed).
    size = len(units) + len(evaluators)
    xtx = np.zeros((size, size))
    np.add.at(xtx, (cols_u, cols_u), 1.0)
    np.add.at(xtx, (cols_e, cols_e), 1.0)
    np.add.at(xtx, (cols_u, cols_e), 1.0)
    np.add.at(xtx, (cols_e, cols_u), 1.0)
    xty = np.zeros(size)
    np.add.at(xty, cols_u, y)
    np.add.at(xty, cols_e, y)
    inverse = np.linalg.pinv(xtx, hermitian=True)
    beta = inverse @ xty
    rank = np.linalg.matrix_rank(xtx, hermitian=True)
    dof = len(rows) - rank
    residuals = y - beta[cols_u] - beta[cols_e]
    sigma2 = float(residuals @ residuals) / dof if dof > 0 else math.nan
    cov = inverse * sigma2
    weights = np.array([counts[e] for e in evaluators], dtype=float)
    weights /= weights.sum()
    raw = beta[len(units) :]
    out = []
    for i, e in enumerate(evaluators):
        contrast = np.zeros(size)
        contrast[len(units) :] = -weights
        contrast[len(units) + i] += 1.0
        effect = float(contrast @ beta) if raw.size else None
        variance = float(contrast @ cov @ contrast)
        se = math.sqrt(variance) if variance >= 0 and math.isfinite(variance) else None
        out.append(_severity(e, effect, se, counts[e], group, config))
    return out, math.sqrt(sigma2) if math.isfinite(sigma2) else None


def _severity(e, effect, se, n, group, config) -> Severity:
    outlier = (
        effect is not None
        and se is not None
        and se > 0
        and n >= config.min_evaluations
        and abs(effect) >= config.min_effect
        and abs(effect) / se >= config.z
    )
    note = ""
    if n < config.min_evaluations:
        note = f"too few to judge: {n} evaluations (needs {config.min_evaluations})"
    return Severity(e, effect, se, n, group, outlier, note)


def _agents(data, effects: dict[str, Severity], config) -> tuple[AgentAdjustment, ...]:
    by_agent: dict[str, list[Scored]] = defaultdict(list)
    for r in data:
        if r.agent_id:
            by_agent[r.agent_id].append(r)
    out = []
    for agent, rows in sorted(by_agent.items()):
        raw = math.fsum(r.score for r in rows) / len(rows)
        known = [effects[r.evaluator].effect for r in rows]
        adjusted = None
        if all(k is not None for k in known):
            adjusted = math.fsum(r.score - k for r, k in zip(rows, known, strict=True)) / len(rows)
        outliers = sum(1 for r in rows if effects[r.evaluator].outlier)
        tally: dict[str, int] = defaultdict(int)
        for r in rows:
            tally[r.evaluator] += 1
        main, main_n = max(sorted(tally.items()), key=lambda kv: kv[1])
        share = outliers / len(rows)
        flagged = len(rows) >= config.min_agent_evaluations and share > config.mostly_share
        out.append(
            AgentAdjustment(
                agent, len(rows), raw, adjusted, share, main, main_n / len(rows), flagged
            )
        )
    return tuple(out)


def describe_severity(s: Severity, *, name: str = "") -> str:
    """One sentence from the numbers it states; `name` is how the page names the evaluator
    (the evaluator's key when not given)."""
    who = name or s.evaluator
    if s.effect is None:
        return f"{who}: {s.note or 'not comparable'}."
    side = "above" if s.effect >= 0 else "below"
    se = f" ± {s.se:.1f}" if s.se is not None else ""
    verdict = {
        "harsh": "a harsh outlier",
        "lenient": "a lenient outlier",
        "in line": "in line with peers",
    }[s.direction]
    return (
        f"{who} scores {abs(s.effect):.1f}{se} points {side} peers on the same units "
        f"over {s.evaluations} evaluations: {verdict}."
    )


# --- the diagnosis's note ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvaluatorConcentration:
    agent_id: str
    evaluator: str
    share: float
    evaluations: int
    by_evaluator: int
    effect: float | None
    outlier: bool
    without: float | None  # the agent's mean QA without that evaluator's evaluations
    without_n: int


def evaluator_concentration(
    agent_id: str,
    scores: Sequence[tuple[str, float]],
    severities: dict[str, Severity] | None = None,
    *,
    most: float = 0.6,
    min_evaluations: int = 3,
) -> EvaluatorConcentration | None:
    """When most of an agent's QA evaluations come from one evaluator (share ≥ `most`), the
    facts a QA finding should state; None otherwise."""
    if len(scores) < min_evaluations:
        return None
    tally: dict[str, int] = defaultdict(int)
    for evaluator, _ in scores:
        tally[evaluator] += 1
    evaluator, count = max(sorted(tally.items()), key=lambda kv: kv[1])
    share = count / len(scores)
    if share < most:
        return None
    others = [s for e, s in scores if e != evaluator]
    severity = (severities or {}).get(evaluator)
    return EvaluatorConcentration(
        agent_id=agent_id,
        evaluator=evaluator,
        share=share,
        evaluations=len(scores),
        by_evaluator=count,
        effect=severity.effect if severity else None,
        outlier=bool(severity and severity.outlier),
        without=math.fsum(others) / len(others) if others else None,
        without_n=len(others),
    )


def concentration_sentence(c: EvaluatorConcentration) -> str:
    text = (
        f"{c.by_evaluator} of {c.evaluations} QA evaluations ({100 * c.share:.0f}%) were scored "
        f"by one evaluator, {c.evaluator}"
    )
    if c.effect is not None:
        side = "above" if c.effect >= 0 else "below"
        kind = "an outlier" if c.outlier else "within the usual spread"
        text += f", who scores {abs(c.effect):.1f} points {side} peers ({kind})"
    if c.without is not None:
        text += f"; the other evaluators' mean is {c.without:.1f}% (n={c.without_n})"
    else:
        text += "; no other evaluator scored this agent in the window"
    return text + ". The QA gap rests mostly on one evaluator."
