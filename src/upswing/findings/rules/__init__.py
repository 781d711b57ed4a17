"""Pure decisions about performance: target status, diagnosis of gaps and the intervention ladder.

No Django, no Ibis: frozen dataclasses in, frozen dataclasses out (numpy for vectorized forms).
`upswing.status` places one value against its targets (re-exported here); `gaps`, `pairs`,
`causes`, `ladder` and `diagnose` decide whether a gap is real, sustained and the person's
own, and what to do; `table` and `screen` apply the per-series rules to all series of a
program at once.
"""

from upswing.findings.rules.diagnose import Diagnosis, diagnose
from upswing.findings.rules.groups import group_similar_gaps
from upswing.findings.rules.types import (
    RULES_VERSION,
    AgentSeries,
    BehaviourTally,
    Cause,
    CoachingRecord,
    ContextEvent,
    DiagnosisConfig,
    DiagnosisInputs,
    Evidence,
    Finding,
    FindingKind,
    MixCell,
    MixProfile,
    Observation,
    Recommendation,
    SimilarGapGroup,
)
from upswing.status import Status, classify_statuses, status_for

__all__ = [
    "RULES_VERSION",
    "AgentSeries",
    "BehaviourTally",
    "Cause",
    "CoachingRecord",
    "ContextEvent",
    "Diagnosis",
    "DiagnosisConfig",
    "DiagnosisInputs",
    "Evidence",
    "Finding",
    "FindingKind",
    "MixCell",
    "MixProfile",
    "Observation",
    "Recommendation",
    "SimilarGapGroup",
    "Status",
    "classify_statuses",
    "diagnose",
    "group_similar_gaps",
    "status_for",
]
