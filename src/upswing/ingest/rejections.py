"""An import refused whole: the exception that says where and why, and its problems as the
lines a person reads (CLI) or the dicts a page and the API show."""

from __future__ import annotations

from upswing.ingest.validate import ProblemGroup, Problems


class ImportRejected(Exception):  # noqa: N818 - the CLI and demo import it by this name
    """Nothing was written. `problems` lists where and why."""

    def __init__(
        self,
        file_name: str,
        message: str,
        problems: Problems | None = None,
        line_label: str = "line",
    ):
        super().__init__(message)
        self.file_name = file_name
        self.message = message
        self.problems = problems or Problems((), 0)
        self.line_label = line_label


def format_problems(exc: ImportRejected) -> list[str]:
    """The rejection as lines a person reads: one per column and reason, with how many rows,
    the first lines and the first value."""
    lines = [exc.message]
    lines += [format_group(exc.file_name, exc.line_label, g) for g in exc.problems.groups]
    return lines


def format_group(file_name: str, label: str, group: ProblemGroup) -> str:
    where = ", ".join(str(n) for n in group.lines)
    if group.count > len(group.lines):
        where += ", …"
    value = "(empty)" if group.value is None else repr(group.value)
    plural = label if group.count == 1 else f"{label}s"
    return (
        f"{file_name}: {group.column}: {group.reason}: {group.count:,} {plural} ({where}); "
        f"first value {value}"
    )


def group_dicts(problems: Problems) -> list[dict]:
    """The groups as JSON-ready dicts (the imports page and the API show them)."""
    return [
        {
            "column": g.column,
            "reason": g.reason,
            "count": g.count,
            "lines": list(g.lines),
            "value": g.value,
        }
        for g in problems.groups
    ]
