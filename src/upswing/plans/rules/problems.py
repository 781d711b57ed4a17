"""A lint problem, its severity, and the settings the rules read."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from upswing.findings.rules import DiagnosisConfig


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    severity: Severity
    where: str
    message: str  # says what to write instead
    evidence: dict = field(default_factory=dict, compare=False)

    def line(self) -> str:
        return f"{self.severity.value}: {self.rule}: {self.where}: {self.message}"

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "where": self.where,
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class LintConfig:
    max_goals: int = 3
    team_quantile: float = 0.9
    min_team_agents: int = 3
    max_checkpoint_gap_days: int = 10
    min_checkpoint_gap_days: int = 4
    sustained_weeks: int = 3  # the agent's own history shows the target held 3 ...
    sustained_window: int = 4  # ... of 4 consecutive weeks
    diagnosis: DiagnosisConfig = field(default_factory=DiagnosisConfig)


E, W = Severity.ERROR, Severity.WARNING
