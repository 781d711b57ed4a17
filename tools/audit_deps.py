"""`make lint`'s dependency audit: pip-audit over the installed packages, said plainly.

- A known vulnerability in any dependency: the list, exit 1.
- A dependency pip-audit could not check (PyPI unreachable, or a version PyPI does not know):
  a NOT AUDITED block naming how many and which, exit 0, so an offline CI run is not
  reported as failing for the wrong reason; set UPSWING_REQUIRE_AUDIT=1 to make it exit 2.
- Everything audited and clean: one OK line.

Never a silent pass: pip-audit without --strict reports "No known vulnerabilities found"
even when it could not check a single package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        done = subprocess.run(  # noqa: S603  # nosec B603
            [
                str(pip_audit),
                "--skip-editable",
                "--progress-spinner",
                "off",
                "-f",
                "json",
                "-o",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.is_file():
            print("NOT AUDITED: pip-audit did not run:", done.stderr.strip()[-500:])
            return 2 if os.environ.get("UPSWING_REQUIRE_AUDIT") == "1" else 0
        data = json.loads(report.read_text())
    deps = data.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"VULNERABLE: {dep['name']} {dep['version']}: {ids}")
    if skipped:
        names = ", ".join(f"{d['name']}" for d in skipped[:12])
        more = f" and {len(skipped) - 12} more" if len(skipped) > 12 else ""
        print(
            f"NOT AUDITED: {len(skipped)} of {len(deps)} dependencies could not be checked "
            f"(PyPI unreachable, or versions it does not know): {names}{more}."
        )
    if vulnerable:
        return 1
    if skipped:
        return 2 if os.environ.get("UPSWING_REQUIRE_AUDIT") == "1" else 0
    print(f"OK: {len(deps)} dependencies audited, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
