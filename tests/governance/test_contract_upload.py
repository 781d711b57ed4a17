"""Contract upload on the governance page: admins for any program, the client's governance
lead for its own client's programs only (a row naming another reads as an unknown program and
nothing is imported); everyone else is refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import ProgramFactory, RoleGrantFactory, UserFactory
from upswing.audit.models import AuditEvent
from upswing.governance.access import contract_upload_scope, contracts_import_role
from upswing.governance.models import ContractVersion
from upswing.imports import jobs
from upswing.imports.models import ImportRun, RunStatus
from upswing.org.models import Role

HEADER = (
    "program_id,version,effective_from,metric,floor,target,window,source,vendor_id,vendor_name,"
    "corrective_after,review_after,rolling_months,monthly_fee,currency,"
    "credit_percent_per_point,credit_cap_percent\n"
)


def line(program: str, version: str = "9") -> str:
    return f"{program},{version},2026-09-01,fcr,82,85,month,Sched 2,V1,Northwind,2,3,6,,,,\n"


@pytest.fixture
def uploads(world, tmp_path, settings, warehouse_url, monkeypatch):
    settings.UPSWING_HOME = tmp_path / "home"
    settings.UPSWING_HOME.mkdir()
    monkeypatch.setattr(jobs, "launch", jobs.run_import_job)  # inline, after commit
    world.sister = ProgramFactory(code="P-LA", name="Care LA", client=world.program.client)
    return world


def upload(client, text: str, capture, code: str = "P-NY"):
    with capture(execute=True):
        return client.post(
            f"/governance/programs/{code}/contract/",
            {"file": SimpleUploadedFile("contracts.csv", text.encode())},
        )


def test_the_governance_lead_uploads_its_own_clients_contracts(
    client, uploads, django_capture_on_commit_callbacks
):
    client.force_login(uploads.users["lead"])
    page = client.get("/governance/programs/P-NY/").content.decode()
    assert "Upload a contracts file" in page
    response = upload(
        client, HEADER + line("P-NY") + line("P-LA"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == "/governance/programs/P-NY/#contract"
    run = ImportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED
    assert ContractVersion.objects.filter(version="9").count() == 2
    event = AuditEvent.objects.filter(action="import.contracts").order_by("id").first()
    assert event.role == "client_governance_lead"
    assert event.changes["programs"] == [None, ["P-LA", "P-NY"]]
    page = client.get("/governance/programs/P-NY/").content.decode()
    assert "Your latest contract uploads" in page
    assert "contracts.csv" in page
    assert "imported (2 versions added" in page


def test_a_row_naming_another_clients_program_rejects_the_whole_file(
    client, uploads, django_capture_on_commit_callbacks
):
    client.force_login(uploads.users["lead"])
    response = upload(
        client, HEADER + line("P-NY") + line("P-OTHER"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REJECTED
    assert not ContractVersion.objects.filter(version="9").exists()
    page = client.get("/governance/programs/P-NY/").content.decode()
    assert "program_id: unknown program" in page
    assert "P-OTHER" in page  # the lead's own file's value, said back


@pytest.mark.parametrize("who", ["viewer", "vendor"])
def test_readers_and_the_vendor_may_not_upload(
    client, uploads, who, django_capture_on_commit_callbacks
):
    client.force_login(uploads.users[who])
    assert (
        "Upload a contracts file" not in client.get("/governance/programs/P-NY/").content.decode()
    )
    response = upload(client, HEADER + line("P-NY"), django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_another_clients_lead_gets_not_found(client, uploads, django_capture_on_commit_callbacks):
    client.force_login(uploads.users["other_lead"])
    response = upload(client, HEADER + line("P-NY"), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not ImportRun.objects.exists()


def test_an_admin_uploads_for_any_program_and_follows_the_run(
    client, uploads, django_capture_on_commit_callbacks
):
    root = UserFactory(username="gov-admin", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=root, role=Role.ADMIN)
    client.force_login(root)
    response = upload(client, HEADER + line("P-OTHER"), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/"
    assert run.status == RunStatus.SUCCEEDED


def test_the_scope_is_the_programs_the_leads_grants_cover(uploads):
    program_lead = UserFactory(username="gov-program-lead")
    RoleGrantFactory(user=program_lead, role=Role.CLIENT_GOVERNANCE_LEAD, program=uploads.program)
    assert contract_upload_scope(uploads.users["lead"], uploads.program) == {"P-NY", "P-LA"}
    assert contract_upload_scope(program_lead, uploads.program) == {"P-NY"}
    assert contract_upload_scope(uploads.users["viewer"], uploads.program) == frozenset()
    assert contracts_import_role(program_lead, frozenset({"P-NY"})) == "client_governance_lead"
    assert contracts_import_role(program_lead, frozenset({"P-NY", "P-LA"})) is None
    assert contracts_import_role(uploads.users["lead"], frozenset({"P-NY", "P-OTHER"})) is None
    assert contracts_import_role(uploads.users["vendor"], frozenset({"P-NY"})) is None
