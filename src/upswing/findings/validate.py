"""`make validate`: run the validation study and write `docs/diagnosis.md` with its plot.

    python -m upswing.findings.validate [--programs 240] [--seed 20261202] [--out docs]

Exits non-zero when a target is not met, so the study can gate a change to the rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from upswing.findings.rules.study_report import PLOT_NAME, markdown, power_svg, summary
from upswing.findings.rules.study_run import run_study
from upswing.findings.rules.types import DiagnosisConfig

DEFAULT_PROGRAMS = 240
DEFAULT_SEED = 20261202


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=DEFAULT_PROGRAMS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    if args.programs < 1:
        parser.error("--programs must be at least 1")
    config = DiagnosisConfig()
    result = run_study(args.programs, args.seed, config)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "diagnosis.md").write_text(markdown(result, config, seed=args.seed), "utf-8")
    (args.out / PLOT_NAME).write_text(power_svg(result), "utf-8")
    failed = False
    for name, (figure, holds) in summary(result).items():
        print(f"{name}: {figure} — {'met' if holds else 'NOT MET'}")
        failed |= not holds
    print(f"wrote {args.out / 'diagnosis.md'} and {args.out / PLOT_NAME}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
