"""`make bench`: import and refresh at 1M and 10M interactions, side by side with baselines.

Each size gets fresh generated files (2,000 agents, 26 weeks) and a fresh UPSWING_HOME.
Every measured step runs in its own process, so its time and peak memory are its own.
Sizes: BENCH_SIZES=1000000,10000000 (default). Results: bench/out/results.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
UPSWING = str(Path(sys.executable).with_name("upswing"))


def run_task(task: str, home: Path, data: Path) -> dict:
    env = {**os.environ, "UPSWING_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.tasks", task, str(home), str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(size: int) -> tuple[Path, Path]:
    from upswing.demo import generate_bench_interactions

    data = OUT / f"data-{size}"
    home = OUT / f"home-{size}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    data.mkdir(parents=True)
    started = time.perf_counter()
    files = generate_bench_interactions(data, agents=2000, weeks=26, interactions=size, seed=1)
    print(f"  generated {size:,} interactions in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "UPSWING_HOME": str(home)}
    for args in (["init"], ["import", "roster", str(files.roster)]):
        subprocess.run([UPSWING, *args], env=env, check=True, capture_output=True)
    return home, data


def load_facts(home: Path, data: Path) -> None:
    """Surveys and QA for the refresh (interactions are imported by the measured task)."""
    env = {**os.environ, "UPSWING_HOME": str(home)}
    for kind, name in (("surveys", "surveys.csv"), ("qa", "qa.csv")):
        subprocess.run(
            [UPSWING, "import", kind, str(data / name), "--source", "bench"],
            env=env,
            check=True,
            capture_output=True,
        )


def measure(size: int) -> dict:
    print(f"\n== {size:,} interactions, 2,000 agents, 26 weeks")
    home, data = prepare(size)
    results = {"size": size}
    results["raw_read_csv"] = run_task("raw_read_csv", home, data)
    results["upswing_import"] = run_task("upswing_import", home, data)
    load_facts(home, data)
    for task in ("ibis_agent_week", "sql_agent_week", "pandas_agent_week", "upswing_refresh"):
        results[task] = run_task(task, home, data)
    report(results)
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    return results


def report(r: dict) -> None:
    rows = r["size"]
    raw, imp = r["raw_read_csv"], r["upswing_import"]
    ibis_, sql, pandas_ = r["ibis_agent_week"], r["sql_agent_week"], r["pandas_agent_week"]
    print(f"  {'step':<34}{'seconds':>9}{'rows/s':>14}{'peak MB':>10}")
    for label, m in (
        ("DuckDB read_csv (raw)", raw),
        ("upswing import (validated)", imp),
        ("agent-week: Ibis (Upswing)", ibis_),
        ("agent-week: hand-written SQL", sql),
        ("agent-week: pandas", pandas_),
        ("upswing refresh --full", r["upswing_refresh"]),
    ):
        rate = rows / m["seconds"] if "read" in label or "import" in label else float("nan")
        rate_text = f"{rate:>14,.0f}" if rate == rate else f"{'':>14}"
        print(f"  {label:<34}{m['seconds']:>9.2f}{rate_text}{m['peak_mb']:>10.0f}")
    ratios = (
        ("import rate / raw read rate", raw["seconds"] / imp["seconds"], ">= 0.5"),
        ("Ibis time / SQL time", ibis_["seconds"] / sql["seconds"], "<= 1.2"),
        ("pandas time / Ibis time", pandas_["seconds"] / ibis_["seconds"], ">= 4"),
        ("Ibis peak / pandas peak memory", ibis_["peak_mb"] / pandas_["peak_mb"], "<= 0.25"),
    )
    for label, ratio, goal in ratios:
        print(f"  {label:<34}{ratio:>9.2f}  (goal {goal})")


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000,10000000").split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    results = [measure(size) for size in sizes]
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults written to {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
