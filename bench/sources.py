"""`python -m bench.sources`: a warehouse source read in place, at BENCH_SOURCE_ROWS
interactions (default 1,000,000; 2,000 agents, 26 weeks) in a DuckDB warehouse.

The generated interactions are put in a table of the warehouse (`crm_calls`, typed, with an
`updated_at`), declared as a source, and read: the first read (every row), a read with
nothing new (only the rows at the watermark), and a read after 1% of the rows changed.
Each read is its own `upswing sources read` process: its time, and the peak memory of the
largest child so far. The file import of the same rows is measured beside it.
Results: bench/out/sources.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
UPSWING = str(Path(sys.executable).with_name("upswing"))

DEFINITION = """
source = "crm"

[table]
name = "crm_calls"
watermark = "updated_at"

[interactions.columns]
interaction_id = "interaction_id"
agent_id = "agent_id"
started_at = "started_at"
handle_seconds = "handle_seconds"
channel = "channel"
answered = "answered"
wait_seconds = "wait_seconds"
resolved = "resolved"
"""


def _run(home: Path, *args: str) -> float:
    env = {**os.environ, "UPSWING_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([UPSWING, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _sql(home: Path, sql: str) -> None:
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute(sql)
    con.close()


def main() -> None:
    from upswing.demo import generate_bench_interactions

    size = int(os.environ.get("BENCH_SOURCE_ROWS", "1000000"))
    data, home, files_home = OUT / "sources-data", OUT / "sources-home", OUT / "sources-files"
    for folder in (data, home, files_home):
        shutil.rmtree(folder, ignore_errors=True)
    files = generate_bench_interactions(data, agents=2000, weeks=26, interactions=size, seed=1)
    for where in (home, files_home):
        _run(where, "init")
        _run(where, "import", "roster", str(files.roster))
    csv = files.interactions
    _sql(
        home,
        f"""CREATE TABLE crm_calls AS SELECT interaction_id, agent_id,
        CAST(started_at AS TIMESTAMPTZ) AS started_at, TRY_CAST(handle_seconds AS DOUBLE)
        AS handle_seconds, channel, TRY_CAST(answered AS BOOLEAN) AS answered,
        TRY_CAST(wait_seconds AS DOUBLE) AS wait_seconds, TRY_CAST(resolved AS BOOLEAN)
        AS resolved, CAST(started_at AS TIMESTAMPTZ) + INTERVAL 1 HOUR AS updated_at
        FROM read_csv('{csv}', all_varchar = true)""",
    )
    definition = home / "crm_calls.toml"
    definition.write_text(DEFINITION, encoding="utf-8")
    _run(home, "sources", "add", "crm_calls", "--file", str(definition))
    results: dict = {"rows": size}
    results["file_import_seconds"] = _run(files_home, "import", "interactions", str(csv))
    results["first_read_seconds"] = _run(home, "sources", "read")
    results["first_read_peak_mb"] = _peak_child_mb()
    results["nothing_new_seconds"] = _run(home, "sources", "read")
    _sql(
        home,
        "UPDATE crm_calls SET handle_seconds = handle_seconds + 1, "
        "updated_at = TIMESTAMPTZ '2100-01-01 00:00:00+00' WHERE hash(interaction_id) % 100 = 0",
    )
    results["one_percent_changed_seconds"] = _run(home, "sources", "read")
    results["peak_mb"] = _peak_child_mb()
    for label, key in (
        ("file import of the same rows", "file_import_seconds"),
        ("first read (every row)", "first_read_seconds"),
        ("read, nothing new", "nothing_new_seconds"),
        ("read, 1% of rows changed", "one_percent_changed_seconds"),
    ):
        print(f"  {label:<34}{results[key]:>9.2f} s")
    print(f"  largest process peak memory {results['peak_mb']:.0f} MB")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sources.json").write_text(json.dumps(results, indent=2))
    for folder in (data, home, files_home):
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
