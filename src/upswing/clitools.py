"""What the CLI commands do beyond parsing: progress, scorecard rendering, the demo run."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from upswing.metrics import CATALOG, format_value
from upswing.periods import PeriodKind, parse_period
from upswing.scorecards import queries

# Below this size an import finishes before a progress display would help.
PROGRESS_MIN_BYTES = 20_000_000


@contextlib.contextmanager
def progress_steps(file: Path) -> Iterator[Callable[[str], None]]:
    """Stage-by-stage progress on a terminal for large files; silent otherwise."""
    big = file.exists() and file.stat().st_size >= PROGRESS_MIN_BYTES
    if not (sys.stderr.isatty() and big):
        yield lambda _stage: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    stages = ["checking", "writing"]
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        transient=True,
        console=_stderr_console(),
    ) as bar:
        task = bar.add_task(f"{file.name}: starting", total=len(stages))

        def step(stage: str) -> None:
            done = stages.index(stage) if stage in stages else 0
            bar.update(task, completed=done, description=f"{file.name}: {stage}")

        yield step


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def resolve_scorecard(level: str, entity: str, period: str | None):
    from upswing.scorecards.spans import is_live_label

    if period and is_live_label(period):
        return _live_scorecard(level, entity, period)
    if period and ".." in period:
        first_label, last_label = period.split("..", 1)
        first, last = parse_period(first_label), parse_period(last_label)
        if first.kind is not last.kind or last < first:
            raise ValueError(
                f"{period!r}: a range runs from one period to a later one of the same kind"
            )
        return f"{first.label}..{last.label}", queries.scorecard_for_range(
            level, entity, first, last
        )
    chosen = (
        parse_period(period) if period else queries.latest_period(level, entity, PeriodKind.WEEK)
    )
    if chosen is None:
        raise ValueError(
            f"no scorecard for {level} {entity!r}: import data and run `upswing refresh`"
        )
    return chosen.label, queries.scorecard_for_period(level, entity, chosen)


def _live_scorecard(level: str, code: str, text: str):
    """A quarter (2026-Q3) or custom days (2026-08-01..2026-09-14), computed from the
    warehouse as the pages and the API compute them. The CLI is the operator's: every row."""
    from django.utils import timezone

    from upswing.org.models import Agent, Program, Team
    from upswing.scorecards import live
    from upswing.scorecards.access import SnapshotReach
    from upswing.scorecards.spans import SpanError, check_not_future, latest_today, parse_span
    from upswing.warehouse.evidence import WarehouseBusyError

    try:
        span = parse_span(text)
        check_not_future(span, latest_today(timezone.now()))
    except SpanError as exc:
        raise ValueError(str(exc)) from None
    model = {"program": Program, "team": Team, "agent": Agent}[level]
    found = model.objects.filter(code=code).first()
    if found is None:
        raise ValueError(f"no {level} {code!r}: import a roster first")
    everything = SnapshotReach(True, frozenset(), frozenset(), frozenset(), frozenset())
    try:
        return span.label, live.span_lines(None, level, found, span, reach=everything)
    except WarehouseBusyError:
        raise ValueError("an import or a refresh is writing; try again in a minute") from None


def render_scorecard(level: str, entity: str, label: str, lines, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "level": level,
                "entity": entity,
                "period": label,
                "partial": partial_words(label, lines),
                "metrics": [_line_dict(line) for line in lines],
            },
            indent=2,
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=["metric", *_line_dict(lines[0]).keys()][1:] if lines else ["metric"]
        )
        writer.writeheader()
        for line in lines:
            writer.writerow(_line_dict(line))
        return out.getvalue().rstrip("\n")
    return _table(level, entity, label, lines)


def partial_words(label: str, lines) -> str | None:
    """ "partial week" (month) when the period runs past the last day of the data."""
    if not any(line.partial for line in lines):
        return None
    if "Q" in label:
        return "partial quarter"
    if label.count("-") >= 4:
        return "partial range"
    return "partial week" if "W" in label else "partial month"


def _line_dict(line: queries.ScoreLine) -> dict:
    metric = CATALOG[line.metric]
    return {
        "metric": line.metric,
        "label": metric.label,
        "unit": metric.unit.value,
        "value": None if line.value is None else round(line.value, 4),
        "n": line.n,
        "numerator": round(line.numerator, 4),
        "ci_low": None if line.ci_low is None else round(line.ci_low, 4),
        "ci_high": None if line.ci_high is None else round(line.ci_high, 4),
        "baseline": None if line.baseline is None else round(line.baseline, 4),
        "sla_floor": line.sla_floor,
        "kpi_target": line.kpi_target,
        "status": line.status,
    }


def _table(level: str, entity: str, label: str, lines) -> str:
    from rich.console import Console
    from rich.table import Table

    partial = partial_words(label, lines)
    table = Table(
        title=f"{level.title()} {entity} — {label}" + (f" ({partial})" if partial else "")
    )
    for header in (
        "Metric",
        "Value",
        "n",
        "95% interval",
        "Baseline",
        "SLA floor",
        "Target",
        "Status",
    ):
        table.add_column(header, justify="left" if header in {"Metric", "Status"} else "right")
    for line in lines:
        low, high = (format_value(line.metric, v) for v in (line.ci_low, line.ci_high))
        interval = "" if line.ci_low is None else f"{low} – {high}"
        table.add_row(
            CATALOG[line.metric].label,
            "not measured" if line.value is None else format_value(line.metric, line.value),
            f"{line.n:,}",
            interval,
            format_value(line.metric, line.baseline),
            format_value(line.metric, line.sla_floor),
            format_value(line.metric, line.kpi_target),
            line.status.replace("_", " "),
        )
    console = Console(file=io.StringIO(), width=120, force_terminal=False)
    console.print(table)
    return console.file.getvalue().rstrip("\n")


def run_demo(*, seed: int, as_of: str | None, out: Path | None, echo) -> None:
    from django.core.management import call_command

    from upswing.demo import build_demo_files
    from upswing.findings.refresh import refresh_and_diagnose
    from upswing.ingest.service import ImportRejected, format_problems, import_file

    call_command("migrate", interactive=False, verbosity=0)
    day = dt.date.fromisoformat(as_of) if as_of else None
    folder = out or Path(tempfile.mkdtemp(prefix="upswing-demo-"))
    started = time.perf_counter()
    files = build_demo_files(folder, seed=seed, as_of=day)
    echo(f"Demo files written to {folder} ({time.perf_counter() - started:.1f} s)")
    for kind, path in files.in_import_order:
        try:
            result = import_file(kind, path, source="demo")
        except ImportRejected as exc:
            raise SystemExit("\n".join(format_problems(exc))) from exc
        echo(f"  imported {result.rows_read:>7,} {kind} rows ({result.inserted:,} new)")
    result = refresh_and_diagnose(full=True)
    echo(
        f"Refreshed {len(result.scope.programs)} programs: {result.rows_written:,} "
        f"scorecard values in {time.perf_counter() - started:.1f} s total"
    )
    show_program_scorecards(echo)
    from upswing.org.demo_users import set_up_demo_sign_ins

    set_up_demo_sign_ins(files.manifest, echo)
    from upswing.feedback.demo import seed_feedback

    seed_feedback(echo)
    __import__("upswing.quality.demo", fromlist=["seed"]).seed_quality_demo(echo)


def show_program_scorecards(echo) -> None:
    """Each program's latest complete week, and where to look next."""
    from upswing.org.models import Program, Team

    for program in Program.objects.order_by("code"):
        period = queries.latest_period("program", program.code, PeriodKind.WEEK)
        if period is None:
            continue
        lines = queries.scorecard_for_period("program", program.code, period)
        echo("")
        echo(render_scorecard("program", program.code, period.label, lines, "table"))
    team = Team.objects.order_by("code").first()
    if team is not None:
        echo("")
        echo(f"Next: upswing scorecard --team {team.code} --period <ISO week or month>")
