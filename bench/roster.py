"""Roster import at scale: `python -m bench.roster [AGENTS ...]` (default 20,000).

Writes a roster of AGENTS agents (teams of 20, 50 teams per program, a zone per program)
into a fresh UPSWING_HOME, imports it, then imports the same file again (every row
unchanged) and a copy in which one agent in ten moved team (transfers). Each import is timed
in this process after Django has started; the goal is under 5 s for 20,000 agents.
Results: bench/out/roster.json.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
GOAL_SECONDS = 5.0
ZONES = ("Europe/Lisbon", "America/New_York", "Asia/Manila", "Europe/Berlin", "UTC")


def write_roster(path: Path, agents: int, *, moved_every: int = 0) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["agent_id", "name", "email", "team_id", "team_name", "program_id", "start_date",
             "time_zone"]
        )  # fmt: skip
        for i in range(agents):
            team = i // 20
            if moved_every and i % moved_every == 0:
                team = (team + 1) % max(agents // 20, 1)
            program = team // 50
            start = "2026-01-01" if not moved_every or i % moved_every else "2026-03-01"
            out.writerow(
                [f"AG{i:06d}", f"Agent {i}", f"agent{i}@example.com", f"T{team:05d}",
                 f"Team {team}", f"P{program:03d}", start, ZONES[program % len(ZONES)]]
            )  # fmt: skip


def measure(agents: int) -> dict:
    """One size, in this process, on a fresh UPSWING_HOME (the audit trail it writes is
    append-only: a database cannot be emptied for the next size)."""
    home = Path(tempfile.mkdtemp(prefix="upswing-bench-roster-"))
    os.environ["UPSWING_HOME"] = str(home)
    from upswing.boot import setup_django

    setup_django()
    from django.core.management import call_command

    from upswing.ingest.service import import_file

    call_command("migrate", interactive=False, verbosity=0)
    roster, moved = home / f"roster-{agents}.csv", home / f"moved-{agents}.csv"
    write_roster(roster, agents)
    write_roster(moved, agents, moved_every=10)
    row = {"agents": agents, "load_average": round(os.getloadavg()[0], 1)}
    for label, path in (("first", roster), ("again", roster), ("transfers", moved)):
        started = time.perf_counter()
        result = import_file("roster", path)
        row[label] = round(time.perf_counter() - started, 2)
        row[f"{label}_counts"] = [result.inserted, result.updated, result.unchanged]
    row["goal_met"] = row["first"] < GOAL_SECONDS if agents >= 20_000 else None
    shutil.rmtree(home, ignore_errors=True)
    return row


def main(sizes: list[int]) -> list[dict]:
    """Each size in its own process."""
    results = []
    for agents in sizes:
        done = subprocess.run(
            [sys.executable, "-m", "bench.roster", "--one", str(agents)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"roster bench at {agents:,} agents failed:\n{done.stderr}")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(row))
        results.append(row)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "roster.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [20_000])
