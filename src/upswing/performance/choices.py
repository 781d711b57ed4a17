"""The codes a stored finding carries: its kind, its cause and the ladder's recommendation.

Pure enums (no Django, no Ibis). The findings' rules decide them (`upswing.findings.rules`
re-exports them) and the performance app's models list them as choices, so the models
import no feature's rules (the performance app holds the models of scorecards, findings and
targets; docs/design-notes.md).
"""

from __future__ import annotations

import enum


class Cause(enum.StrEnum):
    INDIVIDUAL = "individual"
    SYSTEMIC = "systemic"
    CONTEXT = "context"
    INSUFFICIENT_DATA = "insufficient_data"


class Recommendation(enum.StrEnum):
    """The ladder, in order, plus process_fix for what is not a person's gap."""

    MONITOR = "monitor"
    COACH = "coach"
    TRAIN = "train"
    PIP = "pip"
    PROCESS_FIX = "process_fix"


class FindingKind(enum.StrEnum):
    SUSTAINED_GAP = "sustained_gap"
    POSSIBLE_GAP = "possible_gap"  # point estimates below the standard, too few observations
    TREND = "trend"
    RUSHING = "rushing"
