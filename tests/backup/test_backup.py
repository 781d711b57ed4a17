"""`upswing backup` while the app runs, then `upswing restore`: the same records come back.

Run as people run it (the command, production settings, a real UPSWING_HOME), on SQLite +
DuckDB, and on PostgreSQL for the operational database.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _roster(path: Path, agents: range) -> Path:
    rows = [f"A{n},Agent {n},T1,P1,UTC" for n in agents]
    path.write_text("agent_id,name,team_id,program_id,time_zone\n" + "\n".join(rows) + "\n")
    return path


def _calls(path: Path, ids: range) -> Path:
    rows = [f"C{n},A1,2026-10-0{1 + n % 5}T09:00:00Z,300" for n in ids]
    path.write_text("interaction_id,agent_id,started_at,handle_seconds\n" + "\n".join(rows) + "\n")
    return path


class Home:
    def __init__(self, root: Path, database_url: str = "") -> None:
        self.root = root
        (root / "home").mkdir()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "upswing.site.settings",
            "UPSWING_HOME": str(root / "home"),
            "SECRET_KEY": "test-only-" + "k" * 50,
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")]
            ),
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("UPSWING_WAREHOUSE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def upswing(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "upswing.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    @property
    def sqlite(self) -> Path:
        return self.root / "home" / "upswing.sqlite3"

    def warehouse_count(self) -> int:
        with duckdb.connect(str(self.root / "home" / "warehouse.duckdb"), read_only=True) as con:
            return con.execute("SELECT count(*) FROM interactions").fetchone()[0]


def _fill(home: Home, tmp_path: Path) -> None:
    home.upswing("init")
    home.upswing("import", "roster", str(_roster(tmp_path / "roster.csv", range(1, 6))))
    home.upswing("import", "interactions", str(_calls(tmp_path / "calls.csv", range(40))))


def _agents_sqlite(home: Home) -> int:
    with sqlite3.connect(home.sqlite) as con:
        return con.execute("SELECT count(*) FROM org_agent").fetchone()[0]


def test_backup_while_the_app_writes_then_restore(tmp_path):
    home = Home(tmp_path)
    _fill(home, tmp_path)
    assert (_agents_sqlite(home), home.warehouse_count()) == (5, 40)
    # The app at work: a write transaction is open (not committed) during the backup.
    writer = sqlite3.connect(home.sqlite, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO org_client (code, name) VALUES ('uncommitted', 'Half done')")
    out = home.upswing("backup", "--out", str(tmp_path / "backups"))
    writer.execute("COMMIT")
    writer.close()
    folder = Path(out.stdout.strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"operational", "warehouse"}
    assert manifest["audit_head"].startswith(
        str(
            sqlite3.connect(home.sqlite)
            .execute("SELECT max(seq) FROM audit_auditevent")
            .fetchone()[0]
        )
        + ":"
    )
    # Life goes on after the backup: more people, more calls.
    home.upswing("import", "roster", str(_roster(tmp_path / "more.csv", range(6, 9))))
    home.upswing("import", "interactions", str(_calls(tmp_path / "more.csv", range(40, 50))))
    assert (_agents_sqlite(home), home.warehouse_count()) == (8, 50)

    refused = home.upswing("restore", str(folder), check=False)
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    done = home.upswing("restore", str(folder), "--yes")
    assert "Restored the backup of" in done.stdout
    assert (_agents_sqlite(home), home.warehouse_count()) == (5, 40)
    with sqlite3.connect(home.sqlite) as con:
        codes = {row[0] for row in con.execute("SELECT code FROM org_client")}
    assert "uncommitted" not in codes  # the snapshot held committed work only
    verified = home.upswing("audit", "verify", "--anchor", manifest["audit_head"])
    assert verified.stdout.startswith("OK  ")


def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path):
    home = Home(tmp_path)
    _fill(home, tmp_path)
    folder = Path(home.upswing("backup", "--out", str(tmp_path / "b")).stdout.strip())
    with (folder / "warehouse.duckdb").open("r+b") as f:
        f.seek(5000)
        f.write(b"\xff" * 16)
    home.upswing("import", "roster", str(_roster(tmp_path / "more.csv", range(6, 9))))
    done = home.upswing("restore", str(folder), "--yes", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "restore failed: the warehouse copy (warehouse.duckdb) is missing or damaged"
    )
    assert _agents_sqlite(home) == 8  # untouched


@pytest.mark.postgres
def test_backup_and_restore_on_postgresql(tmp_path, postgres_url):
    psycopg = pytest.importorskip("psycopg")
    admin_url = "postgresql://" + postgres_url.split("://", 1)[1]
    name = f"upswing_backup_{secrets.token_hex(4)}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        home = Home(tmp_path, database_url=url)
        _fill(home, tmp_path)
        folder = Path(home.upswing("backup", "--out", str(tmp_path / "b")).stdout.strip())
        assert (folder / "operational.pgdump").is_file()
        home.upswing("import", "roster", str(_roster(tmp_path / "more.csv", range(6, 9))))
        home.upswing("restore", str(folder), "--yes")
        with psycopg.connect(url) as con:
            assert con.execute("SELECT count(*) FROM org_agent").fetchone() == (5,)
            triggers = con.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass"
                " AND NOT tgisinternal"
            ).fetchone()
        assert triggers == (2,)  # the restored trail is append-only again
        manifest = json.loads((folder / "manifest.json").read_text())
        home.upswing("audit", "verify", "--anchor", manifest["audit_head"])
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
