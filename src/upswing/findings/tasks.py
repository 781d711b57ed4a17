"""The findings' side of the job queue, registered with upswing.jobs from apps.py: the
refresh (scorecards, then their diagnosis) and the diagnosis, and their scheduled jobs.

Imported when Django starts: the refresh and the diagnosis (and DuckDB with them) are
imported only when a task runs.
"""

from __future__ import annotations


def refresh_scorecards(full: bool = False) -> dict:
    """Recompute the scorecards new data touched (all with `full`), then their diagnosis."""
    from upswing.findings.refresh import refresh_and_diagnose

    result = refresh_and_diagnose(full=full)
    return {
        "programs": list(result.scope.programs),
        "rows_written": result.rows_written,
        "findings": result.findings,
        "sources": [o.as_dict() for o in result.sources],
    }


def diagnose_programs() -> dict:
    """Diagnose every program as of today and store the findings (the coaching queues)."""
    from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis

    result = run_diagnosis(DiagnosisScope(), store=True)
    return {"findings": len(result.findings), "stored": result.stored}


def refresh_label(args: list, kwargs: dict) -> str:
    return "Full scorecard refresh" if kwargs.get("full") else "Scorecard refresh"


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import Work, register_scheduled, register_work

    register_work(tasks.refresh_scorecards, Work(refresh_scorecards, refresh_label))
    register_work(tasks.diagnose_programs, Work(diagnose_programs, lambda a, k: "Diagnosis"))
    register_scheduled("refresh", lambda: tasks.refresh_scorecards.enqueue(full=False))
    register_scheduled("diagnose", tasks.diagnose_programs.enqueue)
