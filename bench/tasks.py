"""One measured task per process, so that each reports its own time and peak memory.

`python -m bench.tasks TASK HOME DATA_DIR` prints one JSON line:
{"task", "seconds", "peak_mb", ...}.
The process's state (UPSWING_HOME) is prepared by bench.run.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    """The task's peak resident memory, or that of the largest process it forked (the
    diagnosis judges programs in processes of their own)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _cpu_seconds() -> float:
    """CPU of this process and of the processes it forked and waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def raw_read_csv(home: Path, data: Path) -> dict:
    """DuckDB's own CSV reader, types sniffed, into a table of a database file."""
    import duckdb

    con = duckdb.connect(str(home / "raw.duckdb"))
    started = time.perf_counter()
    con.execute(
        f"CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv('{data / 'interactions.csv'}')"
    )
    seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    return {"seconds": seconds, "rows": rows}


def upswing_import(home: Path, data: Path) -> dict:
    """The validated, idempotent import of the interactions file (roster already imported)."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.ingest.service import import_file

    started = time.perf_counter()
    result = import_file("interactions", data / "interactions.csv", source="bench")
    return {"seconds": time.perf_counter() - started, "rows": result.rows_read}


def _warehouse(home: Path):
    import ibis

    return ibis.duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def ibis_agent_week(home: Path, data: Path) -> dict:
    """The agent-week scorecard from the Ibis KPI expressions (what refresh computes)."""
    from upswing.periods import PeriodKind
    from upswing.warehouse import kpis

    con = _warehouse(home)
    return _best_of(
        REPEATS, lambda: kpis.scorecard(con, kpis.Level.AGENT, PeriodKind.WEEK).to_pyarrow()
    )


def sql_agent_week(home: Path, data: Path) -> dict:
    """The same scorecard in hand-written DuckDB SQL."""
    from bench.baselines import agent_week_sql

    con = _warehouse(home).con
    return _best_of(REPEATS, lambda: agent_week_sql(con))


def sql_all_levels(home: Path, data: Path) -> dict:
    """Every level's (agent, team, program) week and month scorecard in hand-written DuckDB
    SQL, one query each (the six scan the facts six times): what the full refresh computes,
    without parts, intervals, baselines and statuses. One run, as the refresh is timed."""
    from bench.baselines import all_levels_sql

    con = _warehouse(home).con
    started = time.perf_counter()
    rows = all_levels_sql(con)
    return {"seconds": time.perf_counter() - started, "rows": rows}


# The two query engines are timed the same way: the best of a few runs in one process, and
# the first run (which includes Ibis building and compiling its expression) beside it.
REPEATS = 3


def _best_of(repeats: int, run) -> dict:
    times, rows = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        rows = run().num_rows
        times.append(time.perf_counter() - started)
    return {"seconds": min(times), "first_seconds": times[0], "rows": rows}


def pandas_agent_week(home: Path, data: Path) -> dict:
    """Idiomatic pandas: load the facts into DataFrames, then compute the same scorecard."""
    from bench.baselines import agent_week_pandas

    con = _warehouse(home).con
    started = time.perf_counter()
    frames = {
        name: con.execute(f"SELECT * FROM {name}").to_arrow_table().to_pandas()
        for name in ("interactions", "surveys", "qa_scores", "memberships", "programs")
    }
    loaded = time.perf_counter()
    frame = agent_week_pandas(
        frames["interactions"],
        frames["surveys"],
        frames["qa_scores"],
        frames["memberships"],
        frames["programs"],
    )
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "load_seconds": loaded - started,
        "compute_seconds": done - loaded,
        "rows": len(frame),
    }


def upswing_refresh(home: Path, data: Path) -> dict:
    """The full refresh: every level and period, intervals, baselines, statuses, snapshots."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.scorecards.refresh import refresh

    started = time.perf_counter()
    result = refresh(full=True)
    return {"seconds": time.perf_counter() - started, "rows": result.rows_written}


def _one_day_file(data: Path, blended: bool) -> Path:
    """The last day of the interactions file moved one day on (new ids): the nightly file.
    Blended: every row carries the first program's id, whoever's agent took it."""
    import duckdb

    out = data / ("day-blended.csv" if blended else "day.csv")
    calls = f"read_csv('{data / 'interactions.csv'}')"
    # Read twice, streamed, rather than held in memory: the task's peak is then the refresh's.
    con = duckdb.connect()
    last, first_program = con.execute(
        f"SELECT max(started_at), min(program_id) FROM {calls}"
    ).fetchone()
    con.execute(
        f"""COPY (
            SELECT * REPLACE (
                'N' || interaction_id AS interaction_id,
                {"$program" if blended else "program_id"} AS program_id,
                started_at + INTERVAL 1 DAY AS started_at)
            FROM {calls}
            WHERE started_at >= $last - INTERVAL 1 DAY
        ) TO '{out}' (HEADER)""",
        {"last": last, "program": first_program} if blended else {"last": last},
    )
    return out


def _refresh_one_day(home: Path, data: Path, blended: bool) -> dict:
    from upswing.boot import setup_django

    setup_django()
    from upswing.ingest.service import import_file
    from upswing.scorecards.refresh import refresh

    day = _one_day_file(data, blended)
    imported = import_file("interactions", day, source="bench")
    started = time.perf_counter()
    result = refresh()
    return {
        "seconds": time.perf_counter() - started,
        "rows": result.rows_written,
        "day_rows": imported.rows_read,
        "programs": len(result.scope.programs),
    }


def upswing_refresh_day(home: Path, data: Path) -> dict:
    """The incremental refresh after one new day of every program (after a full refresh)."""
    return _refresh_one_day(home, data, blended=False)


def upswing_refresh_blended_day(home: Path, data: Path) -> dict:
    """The same, for a day whose rows all carry one program's id, taken by the agents of every
    program (blended agents): the refresh widens to every program they belong to."""
    return _refresh_one_day(home, data, blended=True)


def upswing_diagnose(home: Path, data: Path) -> dict:
    """`upswing diagnose` end to end after the refresh: every program's inputs read from the
    warehouse and the snapshots, the rules, the findings stored."""
    from upswing.boot import setup_django

    setup_django()
    from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis

    started, cpu = time.perf_counter(), _cpu_seconds()
    result = run_diagnosis(DiagnosisScope(), store=True)
    return {
        "seconds": time.perf_counter() - started,
        # on a shared machine, the CPU says more than the wall time (the programs are judged
        # in processes of their own: theirs is counted too)
        "cpu_seconds": _cpu_seconds() - cpu,
        "findings": len(result.findings),
        "load": os.getloadavg()[0],
    }


def diagnosis(home: Path, data: Path) -> dict:
    """The pure diagnosis rules over BENCH_DIAGNOSIS_AGENTS synthetic agents x 11 metrics x 26
    weeks held in memory (what the service passes `rules.diagnose`, one program at a time)."""
    from bench.diagnosis_inputs import build_inputs
    from upswing.findings import rules

    agents = int(os.environ["BENCH_DIAGNOSIS_AGENTS"])
    started = time.perf_counter()
    inputs = build_inputs(agents, seed=1)
    built = time.perf_counter()
    findings = sum(len(rules.diagnose(program).findings) for program in inputs)
    done = time.perf_counter()
    return {
        "seconds": done - built,
        "build_seconds": built - started,
        "agents": agents,
        "series": sum(len(program.series) for program in inputs),
        "findings": findings,
    }


TASKS = {
    f.__name__: f
    for f in (
        raw_read_csv,
        upswing_import,
        ibis_agent_week,
        sql_agent_week,
        sql_all_levels,
        pandas_agent_week,
        upswing_refresh,
        upswing_refresh_day,
        upswing_refresh_blended_day,
        upswing_diagnose,
        diagnosis,
    )
}


if __name__ == "__main__":
    name, home, data = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    os.environ["UPSWING_HOME"] = str(home)
    outcome = TASKS[name](home, data)
    outcome.update(task=name, peak_mb=round(_peak_mb(), 1))
    print(json.dumps(outcome))
