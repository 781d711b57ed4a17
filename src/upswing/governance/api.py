"""Governance in the REST API, behind the same doors as the pages (`governance.access`):
a program's breaches against its contract, its monthly report and its corrective action
plans. Program level only; read-only (changes are made on the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from upswing.api_shared import ErrorOut
from upswing.governance import queries
from upswing.governance import report as documents
from upswing.governance.access import access_governed_program
from upswing.governance.pages import breaches_payload, cap_dict
from upswing.periods import PeriodKind, parse_period

router = Router(tags=["governance"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class EventOut(Schema):
    event_id: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    flagged: bool
    flagged_in_advance: bool


class CreditOut(Schema):
    percent: float
    amount: float | None
    capped: bool


class BreachOut(Schema):
    metric: str
    window: str
    period: str
    start: dt.date
    end: dt.date
    value: float | None
    floor: float
    version: str
    source: str
    excused: bool
    excused_by: list[str]
    count: int | None
    allowed: int
    escalation: str | None
    events: list[EventOut]
    credit: CreditOut | None


class AllowanceOut(Schema):
    corrective_after: int
    review_after: int
    rolling_months: int


class BreachesOut(Schema):
    program: str
    as_of: dt.date
    allowance: AllowanceOut | None
    escalation: str | None
    breaches: list[BreachOut]


class CapOut(Schema):
    id: int
    status: str
    opened_on: dt.date
    due_on: dt.date
    trigger: str
    root_cause: str
    goals: list[dict[str, Any]]
    actions: int
    actions_done_on_time: int
    actions_late: int
    checkpoints_held: int
    checkpoints_due: int
    outcome: str | None


@router.get(
    "/governance/programs/{code}/breaches",
    response={200: BreachesOut, **ERRORS},
    url_name="governance_breaches",
)
def breaches(request, code: str, as_of: dt.date | None = None):
    """Each breach of the program's contract in the closed windows as of `as_of` (default:
    yesterday in the program's time zone), with its count against the allowance."""
    program = access_governed_program(request.auth, code)
    return breaches_payload(program, queries.breach_report_for(program, as_of))


@router.get(
    "/governance/programs/{code}/reports/{month}",
    response={200: dict[str, Any], **ERRORS},
    url_name="governance_report",
)
def monthly_report(request, code: str, month: str):
    """The monthly program report (the same data as the page, the PDF and the XLSX)."""
    program = access_governed_program(request.auth, code)
    try:
        period = parse_period(month)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    if period.kind is not PeriodKind.MONTH:
        raise HttpError(422, f"{month!r} is a week; give a month (YYYY-MM)")
    return documents.monthly_report(program, period)


@router.get(
    "/governance/programs/{code}/plans",
    response={200: list[CapOut], **ERRORS},
    url_name="governance_plans",
)
def plans(request, code: str):
    """The program's corrective action plans, newest first."""
    program = access_governed_program(request.auth, code)
    today = queries.local_yesterday(program)
    return [cap_dict(p, today) for p in queries.plans_of(program)]
