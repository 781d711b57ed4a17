"""A scorecard refresh followed by the diagnosis of the programs it refreshed, so findings
always follow the scorecards. The refresh itself knows nothing of findings."""

from __future__ import annotations

import dataclasses

from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis
from upswing.scorecards.refresh import RefreshResult, refresh


def refresh_and_diagnose(*, full: bool = False, diagnose: bool = True) -> RefreshResult:
    """Read the warehouse sources past their watermarks, then recompute the touched (or all)
    snapshots; with `diagnose`, re-run and store the diagnosis of the refreshed programs,
    counted in `findings`."""
    from upswing.sources.service import read_sources

    read = tuple(read_sources())
    result = dataclasses.replace(refresh(full=full), sources=read)
    if not diagnose or not result.scope.programs:
        return result
    # One diagnosis of them all, so that they are judged side by side (findings.processes).
    stored = run_diagnosis(DiagnosisScope(programs=tuple(result.scope.programs)), store=True).stored
    return dataclasses.replace(result, findings=stored)
