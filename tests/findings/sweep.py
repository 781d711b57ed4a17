"""One draw of the demo, end to end as a user runs it: generate, import every file through the
CLI, refresh, diagnose. Each draw runs in its own process with its own `UPSWING_HOME` (fresh
SQLite and DuckDB), so the per-seed tests and the sweep-wide rates share one result per seed:
whichever test needs a seed first computes it, under a file lock, and the others read it.

    python -m tests.findings.sweep SEED WEEKS OUT.json   (run by `draw`, from the repo root)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from filelock import FileLock

AS_OF = dt.date(2026, 11, 1)  # a Sunday: the demo runs up to 2026-W44
ROOT = Path(__file__).resolve().parents[2]


def draw(seed: int, weeks: int, cache: Path) -> tuple[dict, dict]:
    """(manifest, diagnose output) of the demo drawn with `seed` over `weeks` weeks; the
    manifest also lists the roster's `agent_ids`."""
    target = cache / f"seed{seed}-w{weeks}.json"
    with FileLock(str(target) + ".lock"):
        if not target.exists():
            _run(seed, weeks, target)
        result = json.loads(target.read_text("utf-8"))
    return result["manifest"], result["output"]


def _run(seed: int, weeks: int, target: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_SETTINGS_MODULE" and not k.startswith("UPSWING_")
    }
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    with tempfile.TemporaryDirectory(prefix=f"upswing-demo-{seed}-") as home:
        env["UPSWING_HOME"] = home
        partial = target.with_suffix(".partial")
        done = subprocess.run(
            [sys.executable, "-m", "tests.findings.sweep", str(seed), str(weeks), str(partial)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"demo seed {seed} ({weeks} weeks) failed:\n{done.stdout[-4000:]}\n"
                f"{done.stderr[-4000:]}"
            )
        partial.replace(target)


def _main(seed: int, weeks: int, out: Path) -> None:
    from click.testing import CliRunner

    from upswing.cli import main
    from upswing.demo import build_demo_files

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args))
        if result.exit_code != 0:
            raise SystemExit(f"upswing {' '.join(args)}:\n{result.output}")
        return result.output

    run("init")
    home = Path(os.environ["UPSWING_HOME"])
    files = build_demo_files(home / "demo", seed=seed, as_of=AS_OF, weeks=weeks)
    for kind, path in files.in_import_order:
        run("import", kind, str(path))
    run("refresh", "--full")
    output = json.loads(run("diagnose", "--as-of", AS_OF.isoformat(), "--format", "json"))
    manifest = json.loads(files.manifest.read_text("utf-8"))
    roster = dict(files.in_import_order)["roster"]
    with roster.open(encoding="utf-8", newline="") as rows:
        manifest["agent_ids"] = sorted({row["agent_id"] for row in csv.DictReader(rows)})
    out.write_text(json.dumps({"manifest": manifest, "output": output}), "utf-8")


if __name__ == "__main__":
    _main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
