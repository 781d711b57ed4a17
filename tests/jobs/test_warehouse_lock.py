"""One writer per warehouse across processes: a DuckDB file's flock and PostgreSQL's advisory
lock each keep a second process out until the first lets go, or dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from upswing.warehouse.lock import WarehouseBusy, is_held, writer_lock

REPO = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from upswing.warehouse.lock import writer_lock
with writer_lock(sys.argv[1], wait=30):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(url: str, seconds: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, str(seconds)], env=env, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def duckdb_url(tmp_path) -> str:
    return f"duckdb://{tmp_path / 'warehouse.duckdb'}"


@pytest.fixture
def pg_url(postgres_url) -> str:
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_lock_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    base = postgres_url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(postgres_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.parametrize(
    "backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_second_process_waits_then_is_told_the_warehouse_is_busy(backend, request):
    url = request.getfixturevalue("duckdb_url" if backend == "duckdb" else "pg_url")
    holder = _hold(url, 3)
    started = time.monotonic()
    with (
        pytest.raises(WarehouseBusy, match="busy with an import or a refresh"),
        writer_lock(url, wait=0.5),
    ):
        pass
    assert time.monotonic() - started >= 0.5
    holder.wait(timeout=30)
    holder.stdout.close()
    with writer_lock(url, wait=5):  # free again once the holder is done
        assert is_held(url)
    assert not is_held(url)


@pytest.mark.parametrize(
    "backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_killed_writer_leaves_no_lock_behind(backend, request):
    url = request.getfixturevalue("duckdb_url" if backend == "duckdb" else "pg_url")
    holder = _hold(url, 600)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with writer_lock(url, wait=10):
        assert is_held(url)


def test_the_lock_is_reentrant_in_one_thread_and_exclusive_between_threads(duckdb_url):
    import threading

    outcome = []

    def other():
        try:
            with writer_lock(duckdb_url, wait=0.3):
                outcome.append("got it")
        except WarehouseBusy:
            outcome.append("busy")

    with writer_lock(duckdb_url, wait=1), writer_lock(duckdb_url, wait=1):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert outcome == ["busy"]
    other()
    assert outcome == ["busy", "got it"]


def test_an_in_memory_warehouse_needs_no_lock():
    with writer_lock("duckdb://", wait=0), writer_lock("duckdb://:memory:", wait=0):
        assert not is_held("duckdb://")
