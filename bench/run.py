"""`make bench`: import and refresh at 1M and 10M interactions, side by side with baselines;
then one new day refreshed incrementally after the full refresh (and a day of blended agents);
then the diagnosis rules at 5,000, 10,000 and 20,000 agents; then the program, team and agent
pages under gunicorn over 2,000 agents x 26 weeks of scorecards (bench/pages.py).

Each size gets fresh generated files (BENCH_AGENTS agents, 2,000 by default; 26 weeks) and a
fresh UPSWING_HOME. Every measured step runs in its own process, so its time and peak memory
are its own. Sizes: BENCH_SIZES=1000000,10000000 (default); BENCH_DIAGNOSIS_AGENTS=5000,10000,
20000. The pages: BENCH_PAGE_AGENTS, BENCH_PAGE_DATABASE (bench/pages.py).
BENCH_ONLY=import_refresh, diagnosis or pages runs one section (default: all).
Results: bench/out/results.json.
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


DIAGNOSIS_GOAL_SECONDS = 10.0  # 20,000 agents x 11 metrics x 26 weeks (the rules; end to end)
AGENTS = int(os.environ.get("BENCH_AGENTS", "2000"))
# pandas holds the whole file in memory (6.1 GB at 10M rows): past this it would not fit.
PANDAS_MAX_ROWS = 20_000_000
SECTIONS = ("import_refresh", "diagnosis", "pages")


def run_task(task: str, home: Path, data: Path, extra_env: dict | None = None) -> dict:
    env = {**os.environ, "UPSWING_HOME": str(home), **(extra_env or {})}
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
    files = generate_bench_interactions(data, agents=AGENTS, weeks=26, interactions=size, seed=1)
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
    print(f"\n== {size:,} interactions, {AGENTS:,} agents, 26 weeks")
    home, data = prepare(size)
    results = {"size": size}
    results["raw_read_csv"] = run_task("raw_read_csv", home, data)
    results["upswing_import"] = run_task("upswing_import", home, data)
    load_facts(home, data)
    for task in (
        "ibis_agent_week",
        "sql_agent_week",
        "pandas_agent_week",
        "sql_all_levels",
        "upswing_refresh",
    ):
        if task == "pandas_agent_week" and size > PANDAS_MAX_ROWS:
            print(f"  pandas baseline skipped above {PANDAS_MAX_ROWS:,} rows (needs ~6 GB per 10M)")
            continue
        results[task] = run_task(task, home, data)
    for task in ("upswing_diagnose", "upswing_refresh_day", "upswing_refresh_blended_day"):
        results[task] = run_task(task, home, data)
    report(results)
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    return results


def report(r: dict) -> None:
    rows = r["size"]
    raw, imp = r["raw_read_csv"], r["upswing_import"]
    ibis_, sql = r["ibis_agent_week"], r["sql_agent_week"]
    pandas_ = r.get("pandas_agent_week")
    print(f"  {'step':<34}{'seconds':>9}{'rows/s':>14}{'peak MB':>10}")
    for label, m in (
        ("DuckDB read_csv (raw)", raw),
        ("upswing import (validated)", imp),
        ("agent-week: Ibis (Upswing)", ibis_),
        ("agent-week: hand-written SQL", sql),
        ("agent-week: pandas", pandas_),
        ("every level and period: SQL", r["sql_all_levels"]),
        ("upswing refresh --full", r["upswing_refresh"]),
        (f"upswing diagnose ({AGENTS:,} agents)", r["upswing_diagnose"]),
    ):
        if m is None:
            continue
        rate = rows / m["seconds"] if "read" in label or "import" in label else float("nan")
        rate_text = f"{rate:>14,.0f}" if rate == rate else f"{'':>14}"
        print(f"  {label:<34}{m['seconds']:>9.2f}{rate_text}{m['peak_mb']:>10.0f}")
    ratios = (
        ("import rate / raw read rate", raw["seconds"] / imp["seconds"], ">= 0.5"),
        ("Ibis time / SQL time (best of 3)", ibis_["seconds"] / sql["seconds"], "<= 1.2"),
        ("Ibis / SQL, first runs", ibis_["first_seconds"] / sql["first_seconds"], "(info)"),
    )
    if pandas_ is not None:
        ratios += (
            ("pandas time / Ibis time", pandas_["seconds"] / ibis_["seconds"], ">= 4"),
            ("Ibis peak / pandas peak memory", ibis_["peak_mb"] / pandas_["peak_mb"], "<= 0.25"),
        )
    ratios += (
        (
            "full refresh / SQL, all levels",
            r["upswing_refresh"]["seconds"] / r["sql_all_levels"]["seconds"],
            "<= 3",
        ),
    )
    for label, ratio, goal in ratios:
        print(f"  {label:<34}{ratio:>9.2f}  (goal {goal})")
    diagnose = r["upswing_diagnose"]
    verdict = "met" if diagnose["seconds"] <= DIAGNOSIS_GOAL_SECONDS else "NOT met"
    goal = f"goal 20,000 agents <= {DIAGNOSIS_GOAL_SECONDS:.0f} s" + (
        f": {verdict}" if AGENTS >= 20_000 else ", measured with BENCH_AGENTS=20000"
    )
    print(
        f"  {'upswing diagnose, end to end':<34}{diagnose['seconds']:>9.2f}  ({AGENTS:,} agents, "
        f"{diagnose['findings']:,} findings, {diagnose['cpu_seconds']:.1f} s CPU; {goal})"
    )
    full = r["upswing_refresh"]["seconds"]
    for label, key in (
        ("one new day / full refresh", "upswing_refresh_day"),
        ("one blended day / full refresh", "upswing_refresh_blended_day"),
    ):
        day = r[key]
        print(
            f"  {label:<34}{day['seconds'] / full:>9.2f}  (goal <= 0.10; {day['seconds']:.2f} s, "
            f"{day['day_rows']:,} new rows, {day['programs']} program(s), {day['rows']:,} values)"
        )


def measure_diagnosis(agent_counts: list[int]) -> list[dict]:
    print("\n== diagnosis rules: synthetic agents x 11 metrics x 26 weeks, in memory")
    home = OUT / "home-diagnosis"
    home.mkdir(parents=True, exist_ok=True)
    results = [
        run_task("diagnosis", home, home, {"BENCH_DIAGNOSIS_AGENTS": str(agents)})
        for agents in agent_counts
    ]
    report_diagnosis(results)
    shutil.rmtree(home, ignore_errors=True)
    return results


def report_diagnosis(results: list[dict]) -> None:
    print(
        f"  {'agents':>8}{'series':>10}{'findings':>10}{'seconds':>9}{'ms/agent':>10}{'peak MB':>9}"
    )
    for r in results:
        per_agent = 1000 * r["seconds"] / r["agents"]
        print(
            f"  {r['agents']:>8,}{r['series']:>10,}{r['findings']:>10,}{r['seconds']:>9.2f}"
            f"{per_agent:>10.3f}{r['peak_mb']:>9.0f}"
        )
    per_agent = [r["seconds"] / r["agents"] for r in results]
    spread = max(per_agent) / min(per_agent)
    print(f"  linearity: slowest / fastest time per agent {spread:.2f}  (goal <= 1.3)")
    largest = max(results, key=lambda r: r["agents"])
    verdict = "met" if largest["seconds"] <= DIAGNOSIS_GOAL_SECONDS else "NOT met"
    print(
        f"  {largest['agents']:,} agents: {largest['seconds']:.2f} s  "
        f"(goal 20,000 agents <= {DIAGNOSIS_GOAL_SECONDS:.0f} s: {verdict})"
    )


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if only and only not in SECTIONS:
        raise SystemExit(f"BENCH_ONLY must be one of {', '.join(SECTIONS)}, not {only!r}")
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    if only in ("", "import_refresh"):
        sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000000,10000000").split(",")]
        results["import_refresh"] = [measure(size) for size in sizes]
    if only in ("", "diagnosis"):
        counts = os.environ.get("BENCH_DIAGNOSIS_AGENTS", "5000,10000,20000")
        results["diagnosis"] = measure_diagnosis([int(c) for c in counts.split(",")])
    if only in ("", "pages"):
        from bench.pages import measure_pages

        results["pages"] = measure_pages()
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults written to {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
