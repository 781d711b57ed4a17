"""Governance records changed in the Django admin are audited like the pages' actions: adds,
changes (an SLA line's floor in its inline too) and deletes, one by one or in bulk."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import RoleGrantFactory, UserFactory
from governance.conftest import add_event
from upswing.audit.models import AuditEvent
from upswing.governance.actions import do_accept_excuse
from upswing.governance.models import ContractVersion, CorrectiveActionPlan, Excuse, Vendor
from upswing.org.models import Role


@pytest.fixture
def admin_client(client, world):
    root = UserFactory(username="gov-root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=root, role=Role.ADMIN)
    client.force_login(root)
    return client


def test_changing_a_vendor_in_the_admin_is_audited(admin_client):
    vendor = Vendor.objects.get(code="V1")
    response = admin_client.post(
        f"/admin/governance/vendor/{vendor.pk}/change/", {"code": "V1", "name": "Northwind Ltd"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_type="governance.vendor")
    assert event.changes == {"name": ["Northwind Contact", "Northwind Ltd"]}
    assert event.role == "admin"


def _line_data(version: ContractVersion) -> dict:
    data = {
        "contract": version.contract_id, "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "corrective_after": version.corrective_after, "review_after": version.review_after,
        "rolling_months": version.rolling_months, "monthly_fee": version.monthly_fee or "",
        "currency": version.currency,
    }  # fmt: skip
    lines = list(version.lines.all())
    data |= {
        "lines-TOTAL_FORMS": len(lines), "lines-INITIAL_FORMS": len(lines),
        "lines-MIN_NUM_FORMS": 0, "lines-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, line in enumerate(lines):
        for name in (
            "metric",
            "floor",
            "target",
            "window",
            "level",
            "source",
            "credit_percent_per_point",
            "credit_points_per_step",
            "credit_cap_percent",
        ):
            value = getattr(line, name)
            data[f"lines-{i}-{name}"] = "" if value is None else value
        data[f"lines-{i}-id"] = line.pk
        data[f"lines-{i}-version"] = version.pk
    return data  # fmt: skip


def test_an_sla_floor_changed_in_the_version_inline_is_audited(admin_client):
    version = ContractVersion.objects.get(version="2")
    line = version.lines.get(metric="fcr")
    data = _line_data(version)
    data["lines-0-floor"] = 70.0
    response = admin_client.post(f"/admin/governance/contractversion/{version.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.floor == 70.0
    event = AuditEvent.objects.get(action="admin.change", object_type="governance.slaline")
    assert event.object_id == str(line.pk)
    assert event.changes == {"floor": [75.0, 70.0]}


def test_deleting_an_excuse_in_the_admin_is_audited(admin_client, world):
    add_event(world.program, "E-1", dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    excuse = do_accept_excuse(world.program, "E-1", metric="fcr", actor=world.users["lead"])
    response = admin_client.post(f"/admin/governance/excuse/{excuse.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Excuse.objects.exists()
    event = AuditEvent.objects.get(action="admin.delete", object_type="governance.excuse")
    assert event.object_id == str(excuse.pk)
    assert event.changes["event_id"] == ["E-1", None]


def test_deleting_vendors_in_bulk_is_audited_one_by_one(admin_client):
    spare = [Vendor.objects.create(code=f"S{i}", name=f"Spare {i}") for i in range(2)]
    response = admin_client.post(
        "/admin/governance/vendor/",
        {"action": "delete_selected", "_selected_action": [v.pk for v in spare], "post": "yes"},
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(action="admin.delete", object_type="governance.vendor")
    assert sorted(e.object_id for e in events) == sorted(str(v.pk) for v in spare)


def test_corrective_plans_are_read_only_in_the_admin(admin_client, world):
    plan = CorrectiveActionPlan.objects.create(
        program=world.program, opened_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 7, 30),
        trigger="two breaches",
    )  # fmt: skip
    assert admin_client.get("/admin/governance/correctiveactionplan/").status_code == 200
    assert admin_client.get("/admin/governance/correctiveactionplan/add/").status_code == 403
    url = f"/admin/governance/correctiveactionplan/{plan.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert CorrectiveActionPlan.objects.filter(pk=plan.pk).exists()
