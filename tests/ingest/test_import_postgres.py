"""The import and its idempotency with PostgreSQL as the warehouse."""

from __future__ import annotations

import secrets

import pytest
from tests.ingest.conftest import DATA, QA, everything_stored, run_import, warehouse_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def postgres_warehouse(postgres_url, settings):
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_imp_{secrets.token_hex(4)}"
    admin_url = "postgresql://" + postgres_url.split("://", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings.UPSWING_WAREHOUSE_URL = postgres_url.rsplit("/", 1)[0] + "/" + name
    yield settings.UPSWING_WAREHOUSE_URL
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_warehouse_kind_imports_once(tmp_path, postgres_warehouse):
    for kind in ("roster", "interactions", "surveys", "qa", "events"):
        first = run_import(kind, tmp_path)
        assert first.inserted == len(DATA[kind])
    stored = everything_stored()
    for kind in ("interactions", "surveys", "qa", "events"):
        again = run_import(kind, tmp_path)
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(DATA[kind]))
    assert everything_stored() == stored


def test_corrections_and_a_shrunk_evaluation(tmp_path, postgres_warehouse):
    for kind in ("roster", "interactions", "qa"):
        run_import(kind, tmp_path)
    corrected = [dict(r) for r in DATA["interactions"]]
    corrected[0]["handle_seconds"] = "310"
    result = run_import("interactions", tmp_path, corrected, name="fixed")
    assert (result.inserted, result.updated) == (0, 1)
    assert {r[1]: r[6] for r in warehouse_rows("interactions")}["I1"] == 310.0
    shrunk = run_import("qa", tmp_path, QA[:1], name="qa-fewer")
    assert shrunk.updated == 1
    assert [r[2] for r in warehouse_rows("qa_scores")] == ["greeting"]


def test_a_rejected_file_writes_nothing(tmp_path, postgres_warehouse):
    run_import("roster", tmp_path)
    run_import("interactions", tmp_path)
    stored = everything_stored()
    bad = [dict(r, interaction_id=r["interaction_id"] + "x") for r in DATA["interactions"]]
    bad[-1]["handle_seconds"] = "-1"
    from upswing.ingest.service import ImportRejected

    with pytest.raises(ImportRejected):
        run_import("interactions", tmp_path, bad, name="bad")
    assert everything_stored() == stored
