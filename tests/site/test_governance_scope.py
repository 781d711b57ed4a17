"""A client's user on every governance page, export and API answer of its program: no agent
and no team is named, and nothing of the other client's program appears."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upswing.governance.imports import do_import_contracts
from upswing.scorecards.models import ContextEvent, ScorecardSnapshot

ROW = {
    "target": None, "window": "month", "level": "program", "source": "MSA §4",
    "vendor_id": "V1", "vendor_name": "Northwind", "service_line": "Claims",
    "corrective_after": 2.0, "review_after": 3.0, "rolling_months": 6.0, "monthly_fee": None,
    "currency": None, "credit_percent_per_point": None, "credit_points_per_step": None,
    "credit_cap_percent": None,
}  # fmt: skip


@pytest.fixture
def governed(org):
    for code in ("P1", "P2"):
        do_import_contracts(
            [ROW | {"program_id": code, "version": "1", "effective_from": dt.date(2026, 1, 1),
                    "metric": "fcr", "floor": 90.0}],
            "test",
        )  # fmt: skip
    now = timezone.now()
    ScorecardSnapshot.objects.bulk_create(
        ScorecardSnapshot(
            level="program", entity_code=code, program_code=code, period_kind="month",
            period_start=dt.date(2026, m, 1), metric="fcr", value=70.0, numerator=70.0,
            n=100, status="below_sla", refreshed_at=now,
        )
        for code in ("P1", "P2")
        for m in (9, 10)
    )  # fmt: skip
    ContextEvent.objects.create(
        event_id="E-T1", program_code="P1", team_code="T1", kind="outage",
        starts_at=dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 10, 2, 12, tzinfo=dt.UTC), starts_on=dt.date(2026, 10, 2),
        ends_on=dt.date(2026, 10, 2), description="telephony outage",
    )  # fmt: skip
    return org


PAGES = [
    "/governance/",
    "/governance/vendors/",
    "/governance/programs/P1/",
    "/governance/programs/P1/review/",
    "/governance/programs/P1/reports/2026-10/",
    "/governance/programs/P1/reports/2026-10/json/",
    "/api/governance/programs/P1/breaches",
    "/api/governance/programs/P1/reports/2026-10",
    "/api/governance/programs/P1/plans",
]


def test_a_client_viewer_never_sees_an_agent_a_team_or_the_other_client(login_as, governed):
    client = login_as("client_viewer")
    forbidden = [a.name for a in governed.agents.values()]
    forbidden += [t.name for t in governed.teams.values()] + ["Telco care", "Borealis"]
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        leaked = [name for name in forbidden if name in text]
        assert not leaked, f"{path} names {leaked}"
        assert "/agents/" not in text
        assert "/teams/" not in text
    assert "Claims" in client.get("/governance/vendors/").content.decode()
    for path in ("/governance/programs/P2/", "/api/governance/programs/P2/breaches"):
        assert client.get(path).status_code == 404
