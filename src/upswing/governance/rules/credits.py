"""Service credits owed for a breached window, from the credit's parameters."""

from __future__ import annotations

from dataclasses import dataclass

from upswing.governance.rules.contracts import ServiceCredit, shortfall


@dataclass(frozen=True, slots=True)
class CreditDue:
    steps_below: float
    percent: float
    amount: float | None  # None when the contract states no monthly fee
    capped: bool


def service_credit(
    credit: ServiceCredit, metric: str, value: float, floor: float, monthly_fee: float | None
) -> CreditDue:
    """The credit for one window: steps below the floor times the percent per step, capped.

    A partial step counts in proportion (1.5 points below at 2 % a point is 3 %)."""
    steps = shortfall(metric, value, floor) / credit.points_per_step
    uncapped = steps * credit.percent_per_point
    percent = min(uncapped, credit.cap_percent)
    amount = None if monthly_fee is None else round(monthly_fee * percent / 100.0, 2)
    return CreditDue(round(steps, 6), round(percent, 6), amount, uncapped > credit.cap_percent)
