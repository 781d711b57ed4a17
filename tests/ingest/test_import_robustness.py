"""Whatever bytes arrive, the import either stores them or rejects them with a message;
and a killed import leaves the warehouse as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ingest.conftest import cli_env, run_cli, run_import

from upswing.ingest.service import ImportRejected, import_file

HEADER = "interaction_id,agent_id,started_at,handle_seconds,channel,answered"
CELLS = st.one_of(
    st.sampled_from(
        [
            "I1",
            "A1",
            "A2",
            "2026-03-02 09:00",
            "2026-13-45",
            "12",
            "-1",
            "1e309",
            "voice",
            "yes",
            "",
            '"',
            '""',
            "\n",
            "\r\n",
            ",",
            "9999-12-31 23:59:59+14",
            "294247-01-10 04:00:54",
            "ß",
            "\x00",
        ]
    ),
    st.text(max_size=8),
)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(
        st.sampled_from(
            [
                HEADER,
                HEADER + ",extra",
                "interaction_id",
                "",
                "a,a,a",
                HEADER.replace("agent_id", "agent id"),
            ]
        )
    )
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6))
    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        raw += draw(st.binary(max_size=12))
    return raw


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=csv_bytes())
def test_malformed_csv_is_imported_or_rejected_never_a_crash(content, tmp_path, warehouse_url):
    if not (tmp_path / "roster.csv").exists():
        run_import("roster", tmp_path)
    path = tmp_path / "calls.csv"
    path.write_bytes(content)
    assert _outcome(path)


def _outcome(path) -> str:
    """The import's result or its rejection message; anything else propagates and fails."""
    try:
        return f"{import_file('interactions', path).rows_read} rows"
    except ImportRejected as exc:
        return exc.message.strip()


@pytest.mark.slow
def test_a_killed_import_leaves_no_partial_rows(tmp_path):
    env = cli_env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "agent_id,name,team_id,program_id,time_zone\nA1,Ann,T1,P1,UTC\n", encoding="utf-8"
    )
    assert run_cli(env, "init").returncode == 0
    assert run_cli(env, "import", "roster", str(roster)).returncode == 0
    big, n = tmp_path / "big.csv", 1_000_000
    duckdb.sql(
        "COPY (SELECT 'I' || i AS interaction_id, 'A1' AS agent_id, "
        "TIMESTAMP '2026-01-01' + to_seconds(i) AS started_at, i % 600 AS handle_seconds "
        f"FROM range({n}) t(i)) TO '{big}' (HEADER)"
    )
    db = tmp_path / "warehouse.duckdb"
    size_before = db.stat().st_size
    proc = subprocess.Popen(
        [sys.executable, "-m", "upswing.cli", "import", "interactions", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    killed_while_writing = _kill_when_file_grows(proc, db, size_before)
    proc.wait(timeout=60)
    assert killed_while_writing, "the import finished before it could be interrupted"
    assert proc.returncode == -signal.SIGKILL
    count = _interactions(db)
    assert count in (0, n), f"partial import: {count} of {n} rows"
    rerun = run_cli(env, "import", "interactions", str(big), timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert _interactions(db) == n


def _kill_when_file_grows(proc: subprocess.Popen, db, size_before: int) -> bool:
    """SIGKILL once the import starts writing rows into the warehouse file."""
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        wal = db.with_name(db.name + ".wal")
        grown = db.stat().st_size - size_before + (wal.stat().st_size if wal.exists() else 0)
        if grown > 2_000_000:
            os.kill(proc.pid, signal.SIGKILL)
            return True
        time.sleep(0.02)
    return False


def _interactions(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM interactions").fetchone()[0]
