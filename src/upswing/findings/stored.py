"""A stored finding read back as the diagnosis rules' `Finding` (what the systemic-issue
grouping, the coaching reports and the start page group and compare)."""

from __future__ import annotations

from upswing.findings import rules as diagnosis_rules
from upswing.findings.models import Finding
from upswing.findings.rules.types import Evidence, Facts


def as_rule_finding(stored: Finding) -> diagnosis_rules.Finding:
    evidence = stored.evidence or {}
    return diagnosis_rules.Finding(
        agent_id=stored.agent_code,
        team_id=stored.team_code,
        program_id=stored.program_code,
        metric=stored.metric,
        kind=diagnosis_rules.FindingKind(stored.kind),
        cause=diagnosis_rules.Cause(stored.cause),
        recommendation=diagnosis_rules.Recommendation(stored.recommendation),
        periods=tuple(stored.periods),
        reasons=tuple(stored.reasons),
        evidence=Evidence(**{k: tuple(v) for k, v in evidence.items() if k in Evidence.__slots__}),
        behaviours=tuple(stored.behaviours),
        facts=Facts.from_dict(stored.facts),
        rules_version=stored.rules_version,
    )
