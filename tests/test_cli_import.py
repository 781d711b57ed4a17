"""`upswing import` as people run it: messages, exit codes, and the state under UPSWING_HOME."""

from __future__ import annotations

import json
import secrets

import pytest
from click.testing import CliRunner
from tests.ingest.conftest import (
    DATA,
    INTERACTIONS,
    cli_env,
    run_cli,
    warehouse_rows,
    write_rows,
)

from upswing.cli import EXIT_REJECTED, main


@pytest.mark.django_db
def test_import_reports_counts_and_rejections(tmp_path, warehouse_url):
    runner = CliRunner()
    roster = write_rows(tmp_path / "roster.csv", DATA["roster"])
    out = runner.invoke(main, ["import", "roster", str(roster)])
    assert out.exit_code == 0, out.output
    assert (
        out.stdout.strip()
        == "roster.csv: 3 roster rows from default: 3 new, 0 updated, 0 unchanged "
        "(read as comma-separated, UTF-8)"
    )
    bad = [dict(r) for r in INTERACTIONS]
    bad[2]["handle_seconds"] = "-4"
    calls = write_rows(tmp_path / "calls.csv", bad)
    out = runner.invoke(main, ["import", "interactions", str(calls), "--source", "crm"])
    assert out.exit_code == EXIT_REJECTED
    assert out.stderr.splitlines() == [
        "calls.csv: 1 problem(s) in 3 rows; nothing was imported",
        "calls.csv: handle_seconds: negative seconds: 1 line (4); first value '-4'",
    ]
    assert warehouse_rows("interactions") == []


@pytest.mark.django_db
def test_import_warns_about_ignored_columns(tmp_path, warehouse_url):
    rows = [dict(r, shoe_size="42") for r in DATA["roster"]]
    out = CliRunner().invoke(main, ["import", "roster", str(write_rows(tmp_path / "r.csv", rows))])
    assert out.exit_code == 0
    assert "warning: ignored column(s) not in roster: shoe_size" in out.stderr


def _end_to_end(env, tmp_path) -> dict:
    roster = write_rows(tmp_path / "roster.csv", DATA["roster"])
    calls = write_rows(tmp_path / "calls.csv", INTERACTIONS)
    assert run_cli(env, "init").returncode == 0
    outputs = []
    for _ in range(2):
        for kind, path in (("roster", roster), ("interactions", calls)):
            done = run_cli(env, "import", kind, str(path))
            assert done.returncode == 0, done.stderr
            outputs.append(done.stdout.strip())
    assert outputs[2:] == [
        "roster.csv: 3 roster rows from default: 0 new, 0 updated, 3 unchanged"
        " (read as comma-separated, UTF-8)",
        "calls.csv: 3 interactions rows from default: 0 new, 0 updated, 3 unchanged"
        " (read as comma-separated, UTF-8)",
    ]
    assert run_cli(env, "refresh").returncode == 0
    card = run_cli(env, "scorecard", "--program", "P1", "--period", "2026-03", "--format", "json")
    assert card.returncode == 0, card.stderr
    return {m["metric"]: m["value"] for m in json.loads(card.stdout)["metrics"]}


@pytest.mark.slow
def test_the_real_command_end_to_end(tmp_path):
    metrics = _end_to_end(cli_env(tmp_path), tmp_path)
    assert metrics["volume"] == 2
    assert metrics["aht"] == pytest.approx((300 + 245.5) / 2)


@pytest.mark.postgres
@pytest.mark.slow
def test_the_real_command_with_postgres_as_operational_db(tmp_path, postgres_url):
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_imp_{secrets.token_hex(4)}"
    admin_url = "postgresql://" + postgres_url.split("://", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = cli_env(
            tmp_path,
            DATABASE_URL=admin_url.rsplit("/", 1)[0] + "/" + name,
            UPSWING_WAREHOUSE_URL=f"duckdb://{tmp_path / 'wh.duckdb'}",
        )
        metrics = _end_to_end(env, tmp_path)
        assert metrics["volume"] == 2
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
