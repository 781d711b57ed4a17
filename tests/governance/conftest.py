"""A small governed world: one client with two programs in different time zones, monthly
program-level scorecard values, recorded events, a contract in two versions, and the
governance personas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from factories import ClientFactory, ProgramFactory, RoleGrantFactory, UserFactory
from upswing.governance.imports import do_import_contracts
from upswing.org.models import Role
from upswing.scorecards.models import ContextEvent, ScorecardSnapshot

# Contract rows as the `contracts` import hands them to its writer (docs/import.md).
BASE = {
    "target": None, "window": "month", "level": "program", "source": "Schedule 2 §4",
    "vendor_id": "V1", "vendor_name": "Northwind Contact", "service_line": "Care",
    "corrective_after": 2.0, "review_after": 3.0, "rolling_months": 6.0,
    "monthly_fee": 100000.0, "currency": "usd", "credit_percent_per_point": None,
    "credit_points_per_step": None, "credit_cap_percent": None,
}  # fmt: skip


def contract_row(program: str, version: str, since: dt.date, metric: str, floor: float, **kw):
    return (
        BASE
        | {
            "program_id": program,
            "version": version,
            "effective_from": since,
            "metric": metric,
            "floor": floor,
        }
        | kw
    )


def month_value(program, metric: str, start: dt.date, value: float, n: int = 200, **kw):
    return ScorecardSnapshot(
        level="program", entity_code=program.code, program_code=program.code,
        period_kind="month", period_start=start, metric=metric, value=value,
        numerator=value * n / 100, n=n, status="on_target", refreshed_at=timezone.now(), **kw,
    )  # fmt: skip


@dataclass
class World:
    program: object
    other: object
    users: dict[str, object] = field(default_factory=dict)


def add_event(program, event_id: str, first: dt.date, last: dt.date, kind: str = "outage"):
    starts = dt.datetime.combine(first, dt.time(9), tzinfo=dt.UTC)
    return ContextEvent.objects.create(
        event_id=event_id, program_code=program.code, starts_at=starts,
        ends_at=dt.datetime.combine(last, dt.time(17), tzinfo=dt.UTC), starts_on=first,
        ends_on=last, kind=kind, description=f"{kind} on {first}",
    )  # fmt: skip


@pytest.fixture
def world(db) -> World:
    client = ClientFactory(code="C-GOV", name="Meridian")
    program = ProgramFactory(
        code="P-NY", name="Care NY", client=client, time_zone="America/New_York"
    )
    other = ProgramFactory(code="P-OTHER", name="Other client's care", time_zone="Asia/Tokyo")
    w = World(program, other)
    grants = {
        "viewer": (Role.CLIENT_VIEWER, {"client": client}),
        "lead": (Role.CLIENT_GOVERNANCE_LEAD, {"client": client}),
        "vendor": (Role.VENDOR_ACCOUNT_MANAGER, {"program": program}),
        "other_lead": (Role.CLIENT_GOVERNANCE_LEAD, {"client": other.client}),
        "team_lead": (Role.TEAM_LEAD, {"program": program}),
    }
    for name, (role, scope) in grants.items():
        user = UserFactory(username=f"gov-{name}")
        RoleGrantFactory(user=user, role=role, **scope)
        w.users[name] = user
    do_import_contracts(
        [
            contract_row("P-NY", "1", dt.date(2026, 1, 1), "fcr", 80.0, target=85.0),
            contract_row("P-NY", "1", dt.date(2026, 1, 1), "aht", 300.0),
            contract_row("P-NY", "2", dt.date(2026, 4, 10), "fcr", 75.0),
        ],
        "test",
    )
    return w
