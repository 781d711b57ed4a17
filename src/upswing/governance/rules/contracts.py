"""A contract's terms as data: SLA schedule lines, allowable failures, service credits, and
which version governs a measurement window. Pure: no Django, no Ibis, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.metrics import CATALOG, Aggregate, Better
from upswing.periods import PeriodKind


class Window(enum.StrEnum):
    """How long a measurement window is: the scorecards' ISO weeks or calendar months, or a
    calendar quarter (its three months pooled exactly), in the program's time zone."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"

    @property
    def period_kind(self) -> PeriodKind:
        """The scorecards' period a week or a month is; a quarter is built from months."""
        return PeriodKind(self.value) if self is not Window.QUARTER else PeriodKind.MONTH

    @property
    def label(self) -> str:
        return {"week": "Weekly", "month": "Monthly", "quarter": "Quarterly"}[self.value]


class ContractLevel(enum.StrEnum):
    """The grain a line is measured at. A client's contract is measured on the program: the
    client never sees a team's or an agent's number."""

    PROGRAM = "program"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class ServiceCredit:
    """A service credit as parameters, never a formula: `percent_per_point` of the monthly fee
    for each `points_per_step` of the metric's unit below the floor, capped at `cap_percent`.

    Example: 1.5 % of the fee per percentage point of FCR below the floor, capped at 10 %."""

    percent_per_point: float
    cap_percent: float
    points_per_step: float = 1.0


@dataclass(frozen=True, slots=True)
class SlaLine:
    metric: str
    floor: float
    target: float | None = None
    window: Window = Window.MONTH
    level: ContractLevel = ContractLevel.PROGRAM
    source: str = ""
    credit: ServiceCredit | None = None


@dataclass(frozen=True, slots=True)
class Allowance:
    """Allowable failures: `corrective_after` unexcused breaches within `rolling_months`
    months call for a corrective action plan, `review_after` for a partnership review."""

    corrective_after: int = 2
    review_after: int = 3
    rolling_months: int = 6


@dataclass(frozen=True, slots=True)
class ContractTerms:
    version: str
    effective_from: dt.date
    lines: tuple[SlaLine, ...]
    allowance: Allowance = Allowance()
    monthly_fee: float | None = None


class TermsError(ValueError):
    """Terms that cannot stand; the message says which field and why."""


def check_line(line: SlaLine) -> None:
    """Raise TermsError when a schedule line cannot be judged."""
    metric = CATALOG.get(line.metric)
    if metric is None:
        raise TermsError(f"metric: {line.metric!r} is not a metric of the catalog")
    if metric.better is Better.NEITHER or metric.aggregate is Aggregate.COUNT:
        raise TermsError(f"metric: {metric.label} has no better direction; it cannot have a floor")
    if line.target is not None and is_worse(line.metric, line.target, line.floor):
        raise TermsError("target: the target is worse than the floor")
    if line.credit is not None:
        check_credit(line.credit)


def check_credit(credit: ServiceCredit) -> None:
    if credit.percent_per_point <= 0:
        raise TermsError("credit_percent_per_point: must be above 0")
    if not 0 < credit.cap_percent <= 100:
        raise TermsError("credit_cap_percent: must be above 0 and at most 100")
    if credit.points_per_step <= 0:
        raise TermsError("credit_points_per_step: must be above 0")


def check_allowance(allowance: Allowance) -> None:
    if allowance.corrective_after < 1:
        raise TermsError("corrective_after: at least 1 breach")
    if allowance.review_after <= allowance.corrective_after:
        raise TermsError("review_after: must be more breaches than corrective_after")
    if not 1 <= allowance.rolling_months <= 36:
        raise TermsError("rolling_months: between 1 and 36 months")


def check_terms(terms: ContractTerms) -> None:
    check_allowance(terms.allowance)
    seen: set[tuple[str, Window]] = set()
    for line in terms.lines:
        check_line(line)
        if (line.metric, line.window) in seen:
            raise TermsError(f"metric: {line.metric} appears twice with a {line.window} window")
        seen.add((line.metric, line.window))
    if terms.monthly_fee is not None and terms.monthly_fee < 0:
        raise TermsError("monthly_fee: may not be negative")


def is_worse(metric: str, value: float, bound: float) -> bool:
    """`value` is on the wrong side of `bound` for the metric's direction."""
    if CATALOG[metric].better is Better.LOWER:
        return value > bound
    return value < bound


def shortfall(metric: str, value: float, floor: float) -> float:
    """How far `value` is on the wrong side of `floor`, in the metric's unit (0 when not)."""
    gap = value - floor if CATALOG[metric].better is Better.LOWER else floor - value
    return max(gap, 0.0)


def terms_for(versions: Sequence[ContractTerms], window_start: dt.date) -> ContractTerms | None:
    """The version governing a window: the latest in force on the window's first day. A
    version that starts in the middle of a window governs from the next window on."""
    in_force = [v for v in versions if v.effective_from <= window_start]
    return max(in_force, key=lambda v: v.effective_from) if in_force else None
