"""Breaches: which closed windows fell on the wrong side of their floor, which recorded events
overlap them, which the client accepted as an excuse, and how each unexcused breach counts
against the contract's allowable failures. Pure: no Django, no Ibis, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from upswing.governance.rules.contracts import (
    Allowance,
    ContractTerms,
    SlaLine,
    Window,
    is_worse,
    terms_for,
)
from upswing.governance.rules.credits import CreditDue, service_credit
from upswing.metrics import CATALOG, Aggregate, min_sample, value_from_totals
from upswing.periods import Period, next_month_start, periods_between


class Verdict(enum.StrEnum):
    MET = "met"
    BREACH = "breach"
    TOO_FEW = "too_few"  # below the metric's minimum sample: never a breach
    NO_DATA = "no_data"
    OPEN = "open"  # the window has not closed, or its data runs short of its end


class Escalation(enum.StrEnum):
    WITHIN_ALLOWANCE = "within_allowance"
    CORRECTIVE_ACTION = "corrective_action"
    PARTNERSHIP_REVIEW = "partnership_review"

    @property
    def label(self) -> str:
        return {
            "within_allowance": "within the allowance",
            "corrective_action": "corrective action plan due",
            "partnership_review": "partnership review due",
        }[self.value]


@dataclass(frozen=True, slots=True)
class WindowValue:
    """A program's value for one metric in one window, from the scorecards (`numerator`: the
    sum behind it, from which months are pooled into a quarter)."""

    metric: str
    window: Window
    start: dt.date
    value: float | None
    n: int
    partial: bool = False
    numerator: float | None = None


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter: January–March, April–June, July–September, October–December."""

    start: dt.date

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))

    @property
    def months(self) -> tuple[dt.date, dt.date, dt.date]:
        second = next_month_start(self.start)
        return (self.start, second, next_month_start(second))

    @property
    def end(self) -> dt.date:
        return next_month_start(self.months[2]) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def next(self) -> Quarter:
        return Quarter(next_month_start(self.months[2]))


def window_label(window: Window, start: dt.date) -> str:
    if window is Window.QUARTER:
        return Quarter.of(start).label
    return Period(window.period_kind, start).label


def quarter_values(months: Sequence[WindowValue]) -> list[WindowValue]:
    """Each metric's quarters pooled exactly from its months' numerators and sample sizes.
    A quarter with a month missing or still partial is partial (open): its data runs short."""
    by_quarter: dict[tuple[str, Quarter], list[WindowValue]] = {}
    for v in months:
        if v.window is Window.MONTH:
            by_quarter.setdefault((v.metric, Quarter.of(v.start)), []).append(v)
    out = []
    for (metric, quarter), values in sorted(by_quarter.items()):
        usable = [v for v in values if v.numerator is not None and v.n > 0]
        n = sum(v.n for v in usable)
        value = (
            value_from_totals(CATALOG[metric], sum(v.numerator for v in usable), n) if n else None
        )
        short = len(values) < 3 or any(v.partial for v in values)
        out.append(WindowValue(metric, Window.QUARTER, quarter.start, value, n, short, None))
    return out


@dataclass(frozen=True, slots=True)
class EventFact:
    event_id: str
    kind: str
    starts_on: dt.date  # local days in the program's time zone, inclusive
    ends_on: dt.date
    description: str = ""
    flagged_at: dt.datetime | None = None  # when the vendor told the client, if it did
    starts_at: dt.datetime | None = None

    @property
    def flagged_in_advance(self) -> bool:
        return (
            self.flagged_at is not None
            and self.starts_at is not None
            and self.flagged_at <= self.starts_at
        )

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.starts_on <= end and self.ends_on >= start


@dataclass(frozen=True, slots=True)
class Excuse:
    """The client accepted `event_id` as an excuse for `metric` (blank: every metric)."""

    event_id: str
    metric: str = ""

    def covers(self, metric: str) -> bool:
        return not self.metric or self.metric == metric


@dataclass(frozen=True, slots=True)
class WindowResult:
    metric: str
    window: Window
    start: dt.date
    end: dt.date
    version: str
    floor: float
    target: float | None
    source: str
    value: float | None
    n: int
    verdict: Verdict
    events: tuple[EventFact, ...] = ()
    excused_by: tuple[str, ...] = ()
    credit: CreditDue | None = None

    @property
    def label(self) -> str:
        return window_label(self.window, self.start)

    @property
    def excused(self) -> bool:
        return bool(self.excused_by)


@dataclass(frozen=True, slots=True)
class CountedBreach:
    result: WindowResult
    count: int | None  # unexcused breaches in the rolling allowance window; None if excused
    allowed: int  # breaches the contract allows before corrective action
    escalation: Escalation | None


@dataclass(frozen=True, slots=True)
class BreachReport:
    as_of: dt.date
    windows: tuple[WindowResult, ...]
    breaches: tuple[CountedBreach, ...]
    allowance: Allowance | None
    events: tuple[EventFact, ...] = field(default=())

    @property
    def escalation(self) -> Escalation | None:
        counted = [b for b in self.breaches if b.escalation is not None]
        return counted[-1].escalation if counted else None


def closed_windows(window: Window, first: dt.date, as_of: dt.date) -> list[Period | Quarter]:
    """Windows from the one holding `first` whose last day is on or before `as_of`."""
    if as_of < first:
        return []
    if window is Window.QUARTER:
        out, quarter = [], Quarter.of(first)
        while quarter.end <= as_of:
            out.append(quarter)
            quarter = quarter.next()
        return out
    return [p for p in periods_between(window.period_kind, first, as_of) if p.end <= as_of]


def judge(line: SlaLine, value: WindowValue | None) -> Verdict:
    if value is None or value.value is None or value.n <= 0:
        return Verdict.NO_DATA
    if value.partial:
        return Verdict.OPEN
    counts = CATALOG[line.metric].aggregate is Aggregate.COUNT
    if not counts and value.n < min_sample(line.metric):
        return Verdict.TOO_FEW
    return Verdict.BREACH if is_worse(line.metric, value.value, line.floor) else Verdict.MET


def evaluate_windows(
    versions: Sequence[ContractTerms],
    values: Sequence[WindowValue],
    events: Sequence[EventFact],
    excuses: Sequence[Excuse],
    as_of: dt.date,
) -> list[WindowResult]:
    """Every closed window of every line of the version governing it, judged."""
    if not versions:
        return []
    by_key = {(v.metric, v.window, v.start): v for v in values}
    first = min(v.effective_from for v in versions)
    out: list[WindowResult] = []
    for window in Window:
        for period in closed_windows(window, first, as_of):
            terms = terms_for(versions, period.start)
            if terms is None:
                continue
            for line in terms.lines:
                if line.window is window:
                    value = by_key.get((line.metric, window, period.start))
                    out.append(_result(terms, line, period, value, events, excuses))
    return sorted(out, key=lambda r: (r.end, r.metric, r.window))


def _result(
    terms: ContractTerms,
    line: SlaLine,
    period: Period | Quarter,
    value: WindowValue | None,
    events: Sequence[EventFact],
    excuses: Sequence[Excuse],
) -> WindowResult:
    verdict = judge(line, value)
    touching = tuple(e for e in events if e.overlaps(period.start, period.end))
    ids = {e.event_id for e in touching}
    excused_by = tuple(
        sorted({x.event_id for x in excuses if x.event_id in ids and x.covers(line.metric)})
    )
    credit = None
    if verdict is Verdict.BREACH and line.credit is not None and not excused_by:
        credit = service_credit(
            line.credit, line.metric, value.value, line.floor, terms.monthly_fee
        )
    return WindowResult(
        metric=line.metric,
        window=line.window,
        start=period.start,
        end=period.end,
        version=terms.version,
        floor=line.floor,
        target=line.target,
        source=line.source,
        value=value.value if value else None,
        n=value.n if value else 0,
        verdict=verdict,
        events=touching,
        excused_by=excused_by if verdict is Verdict.BREACH else (),
        credit=credit,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, kept on the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def count_breaches(
    results: Sequence[WindowResult], versions: Sequence[ContractTerms]
) -> list[CountedBreach]:
    """Each breach with the unexcused breaches in the rolling allowance window that ends with
    it (its own included): the `rolling_months` calendar months ending with the month of the
    breach's last day; a window counts when its last day falls in them. The allowance is the
    one of the version governing the breach."""
    breaches = [r for r in results if r.verdict is Verdict.BREACH]
    by_version = {v.version: v for v in versions}
    out = []
    for breach in breaches:
        allowance = by_version[breach.version].allowance
        if breach.excused:
            out.append(CountedBreach(breach, None, allowance.corrective_after - 1, None))
            continue
        since = add_months(breach.end.replace(day=1), 1 - allowance.rolling_months)
        count = sum(1 for b in breaches if not b.excused and since <= b.end <= breach.end)
        out.append(
            CountedBreach(breach, count, allowance.corrective_after - 1, escalate(count, allowance))
        )
    return out


def escalate(count: int, allowance: Allowance) -> Escalation:
    if count >= allowance.review_after:
        return Escalation.PARTNERSHIP_REVIEW
    if count >= allowance.corrective_after:
        return Escalation.CORRECTIVE_ACTION
    return Escalation.WITHIN_ALLOWANCE


def breach_report(
    versions: Sequence[ContractTerms],
    values: Sequence[WindowValue],
    events: Sequence[EventFact],
    excuses: Sequence[Excuse],
    as_of: dt.date,
) -> BreachReport:
    results = evaluate_windows(versions, values, events, excuses, as_of)
    current = terms_for(versions, as_of)
    return BreachReport(
        as_of=as_of,
        windows=tuple(results),
        breaches=tuple(count_breaches(results, versions)),
        allowance=current.allowance if current else None,
        events=tuple(events),
    )
