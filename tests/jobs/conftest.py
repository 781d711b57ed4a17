"""Real worker processes on a throwaway home (file SQLite + DuckDB), driven from outside."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).with_name("harness.py")


class Home:
    def __init__(self, path: Path, **overrides: str):
        self.path = path
        self.env = {
            **os.environ,
            "UPSWING_HOME": str(path),
            "DJANGO_SETTINGS_MODULE": "upswing.site.settings",
            "SECRET_KEY": "test-only-" + "w" * 50,
            "PYTHONPATH": os.pathsep.join(
                [
                    str(REPO / "src"),
                    str(REPO / "tests"),
                    *filter(None, [os.environ.get("PYTHONPATH")]),
                ]
            ),
            "UPSWING_SCHEDULE": "",
            "UPSWING_JOB_LEASE_SECONDS": "4",
            "LOG_LEVEL": "ERROR",
            **overrides,
        }
        self.workers: list[subprocess.Popen] = []

    def harness(self, *args: str) -> dict:
        done = subprocess.run(
            [sys.executable, str(HARNESS), *args], env=self.env, capture_output=True,
            text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_worker(self, *extra: str) -> subprocess.Popen:
        log = self.path / f"worker{len(self.workers)}.log"
        with log.open("w") as out:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(
                [sys.executable, "-m", "upswing.cli", "worker", "--interval", "0.2", *extra],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.workers.append(proc)
        return proc

    def sql(self, query: str, *params) -> list[tuple]:
        """A read of the operational database from outside (SQLite file or PostgreSQL)."""
        if self.env.get("DATABASE_URL"):
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as con:
                return con.execute(query.replace("?", "%s"), params).fetchall()
        con = sqlite3.connect(f"file:{self.path / 'upswing.sqlite3'}?mode=ro", uri=True)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def run_row(self, run_id: int) -> tuple[str, str]:
        rows = self.sql("SELECT status, stage FROM imports_importrun WHERE id = ?", run_id)
        return rows[0] if rows else ("", "")

    def task_status(self, task_id: str) -> str:
        rows = self.sql(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            task_id.replace("-", ""),
        )
        return rows[0][0] if rows else ""

    def wait_for(self, check, timeout: float = 240, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def make_home(tmp_path):
    homes: list[Home] = []

    def make(**overrides: str) -> Home:
        home = Home(tmp_path / f"home{len(homes)}", **overrides)
        home.path.mkdir()
        homes.append(home)
        return home

    yield make
    for home in homes:
        for proc in home.workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
