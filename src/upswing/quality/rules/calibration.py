"""Blind calibration: how far evaluators agree, criterion by criterion and overall, and how far
each one sits from the reference the group agreed.

Agreement is Krippendorff's alpha (missing scores allowed) at the level that fits the
criterion — nominal for a met/not-met criterion, ordinal for a points scale — and interval for
the overall score; beside it the intraclass correlation ICC(2,1) (Shrout & Fleiss: two-way
random, absolute agreement, one rater), on the interactions every evaluator scored. With fewer
than two evaluators, or fewer than two interactions scored by two of them, the result says
"too few to judge" instead of a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from upswing.stats.agreement import (
    MeasurementLevel,
    intraclass_correlation,
    krippendorff_alpha,
)

MIN_EVALUATORS = 2
MIN_UNITS = 2
# Krippendorff (2004, §11.3): rely on alpha ≥ .800; tentative conclusions from .667.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
# Below this many interactions a number is shown but read as indicative only.
FEW_UNITS = 10

# scores[evaluator][item] = value (None: not scored / N/A)
Scores = Mapping[str, Mapping[str, float | None]]


def alpha_verdict(alpha: float) -> str:
    """How an alpha reads, on Krippendorff's thresholds."""
    if alpha >= ALPHA_RELIABLE:
        return "reliable agreement"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative agreement"
    return "evaluators disagree: recalibrate"


@dataclass(frozen=True, slots=True)
class Agreement:
    """Alpha and ICC of one criterion (or the overall score); None when too few to judge."""

    key: str
    level: MeasurementLevel
    alpha: float | None
    icc: float | None
    evaluators: int
    units: int  # items scored by at least two evaluators
    complete_units: int  # items scored by every evaluator (the ICC's)
    note: str = ""

    @property
    def reading(self) -> str:
        if self.alpha is None:
            return self.note or "too few to judge"
        verdict = alpha_verdict(self.alpha)
        if self.units < FEW_UNITS:
            verdict += f" (only {self.units} interactions: indicative)"
        return verdict


def agreement(key: str, scores: Scores, level: MeasurementLevel) -> Agreement:
    evaluators = sorted(e for e, row in scores.items() if any(v is not None for v in row.values()))
    items = sorted({i for e in evaluators for i, v in scores[e].items() if v is not None})
    matrix = [[_nan(scores[e].get(i)) for i in items] for e in evaluators]
    pairable = sum(1 for j in range(len(items)) if sum(not math.isnan(r[j]) for r in matrix) >= 2)
    complete = [j for j in range(len(items)) if all(not math.isnan(r[j]) for r in matrix)]
    base = {"key": key, "level": level, "evaluators": len(evaluators), "units": pairable}
    if len(evaluators) < MIN_EVALUATORS or pairable < MIN_UNITS:
        why = (
            f"too few to judge: {len(evaluators)} evaluator(s) and {pairable} interaction(s) "
            f"scored by two or more (needs {MIN_EVALUATORS} and {MIN_UNITS})"
        )
        return Agreement(**base, alpha=None, icc=None, complete_units=len(complete), note=why)
    alpha = _finite(krippendorff_alpha(matrix, level))
    icc = None
    if len(complete) >= MIN_UNITS:
        by_item = [[matrix[r][j] for r in range(len(evaluators))] for j in complete]
        icc = _finite(intraclass_correlation(by_item, "ICC(2,1)"))
    note = "" if alpha is not None else "no variation to agree about: every score is the same"
    return Agreement(**base, alpha=alpha, icc=icc, complete_units=len(complete), note=note)


def level_for(max_points: float) -> MeasurementLevel:
    """Met / not met is a category; a points scale is ordered."""
    return MeasurementLevel.NOMINAL if max_points <= 1 else MeasurementLevel.ORDINAL


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True, slots=True)
class Deviation:
    """One evaluator against the agreed reference."""

    evaluator: str
    compared: int  # criterion marks compared
    matched: int  # marks equal to the reference
    mean_score_gap: float | None  # mean (evaluator − reference) of the overall score, points
    items: int

    @property
    def match_share(self) -> float | None:
        return 100.0 * self.matched / self.compared if self.compared else None


def deviations(
    marks: Mapping[str, Mapping[tuple[str, str], float | None]],
    reference: Mapping[tuple[str, str], float | None],
    overall: Scores,
    reference_overall: Mapping[str, float | None],
) -> tuple[Deviation, ...]:
    """marks[evaluator][(item, criterion)] against reference[(item, criterion)]; the overall
    score gap is signed: above 0, the evaluator scored more leniently than the reference."""
    out = []
    for evaluator in sorted(marks):
        pairs = [
            (v, reference[k])
            for k, v in marks[evaluator].items()
            if k in reference and (v is not None or reference[k] is not None)
        ]
        gaps = [
            v - reference_overall[i]
            for i, v in overall.get(evaluator, {}).items()
            if v is not None and reference_overall.get(i) is not None
        ]
        out.append(
            Deviation(
                evaluator=evaluator,
                compared=len(pairs),
                matched=sum(1 for a, b in pairs if a == b),
                mean_score_gap=math.fsum(gaps) / len(gaps) if gaps else None,
                items=len(gaps),
            )
        )
    return tuple(out)


def overall_level() -> MeasurementLevel:
    return MeasurementLevel.INTERVAL


def criterion_matrix(
    marks: Mapping[str, Mapping[tuple[str, str], float | None]], criterion: str
) -> dict[str, dict[str, float | None]]:
    """Per evaluator, the item → points of one criterion (the `Scores` shape)."""
    return {
        e: {item: v for (item, c), v in rows.items() if c == criterion} for e, rows in marks.items()
    }


def describe(a: Agreement) -> str:
    """One sentence from the numbers it states."""
    if a.alpha is None:
        return f"{a.key}: {a.reading}."
    icc = f", ICC(2,1) {a.icc:.2f} on {a.complete_units}" if a.icc is not None else ""
    return (
        f"{a.key}: Krippendorff's alpha ({a.level.value}) {a.alpha:.2f} across {a.evaluators} "
        f"evaluators and {a.units} interactions{icc} — {a.reading}."
    )
