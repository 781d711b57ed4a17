"""Forms of the plan pages: the draft editor over the plan JSON, and the small action forms.

The editor is a form over the terms' JSON shape (DESIGN.md): problem statement, up to three
goal rows, support rows, checkpoint dates and outcome criteria. Standards, evidence and the
draft's meta come from the saved terms and are kept as they are. Parsing is tolerant on
purpose: a number that is not one is passed on as written, so that lint reports it in the
same list as every other problem instead of the form refusing to check anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from upswing.plans.models import BlockerKind, PlanOutcome
from upswing.plans.rules import GoalKind, SupportKind

MAX_GOALS = 3
SUPPORT_ROWS = 6
BLOCKER_ROWS = 2

SUPPORT_KIND_CHOICES = [
    ("one_to_one", "One-to-one"),
    ("side_by_side", "Side-by-side"),
    ("refresher_training", "Refresher training"),
    ("job_aid", "Job aid"),
    ("peer_shadowing", "Peer shadowing"),
    ("call_review", "Call review"),
]
assert {k for k, _ in SUPPORT_KIND_CHOICES} == {k.value for k in SupportKind}
GOAL_KIND_CHOICES = [(GoalKind.IMPROVE.value, "Improve to"), (GoalKind.HOLD.value, "Hold at")]


@dataclass
class GoalRow:
    index: int
    behavior: str = ""
    metric: str = ""
    baseline: str = ""
    target: str = ""
    due_day: str = ""
    kind: str = GoalKind.IMPROVE.value


@dataclass
class SupportRow:
    index: int
    goal: str = ""
    kind: str = ""
    cadence: str = ""
    owner: str = ""
    description: str = ""


@dataclass
class TermsEditor:
    """What the editor template shows: the text fields and the rows, as strings."""

    problem_statement: str
    start_date: str
    length_days: str
    goals: list[GoalRow]
    support: list[SupportRow]
    checkpoints: str
    success: str
    partial: str
    none: str

    support_kinds = SUPPORT_KIND_CHOICES
    goal_kinds = GOAL_KIND_CHOICES

    @property
    def goal_numbers(self) -> list[int]:
        return list(range(1, MAX_GOALS + 1))

    @classmethod
    def from_terms(cls, terms: dict) -> TermsEditor:
        goals = [
            GoalRow(
                index=i,
                behavior=g.get("behavior") or "",
                metric=g.get("metric") or "",
                baseline=_text(g.get("baseline")),
                target=_text(g.get("target")),
                due_day=_text(g.get("due_day")),
                kind=g.get("kind") or GoalKind.IMPROVE.value,
            )
            for i, g in enumerate(terms.get("goals") or [])
        ]
        support = [
            SupportRow(
                index=i,
                goal="" if s.get("goal") is None else str(int(s["goal"]) + 1),
                kind=s.get("kind") or "",
                cadence=s.get("cadence") or "",
                owner=s.get("owner") or "",
                description=s.get("description") or "",
            )
            for i, s in enumerate(terms.get("support") or [])
        ]
        outcomes = terms.get("outcomes") or {}
        return cls(
            problem_statement=terms.get("problem_statement") or "",
            start_date=terms.get("start_date") or "",
            length_days=_text(terms.get("length_days")),
            goals=_pad(goals, max(MAX_GOALS, len(goals)), GoalRow),
            support=_pad(support, max(SUPPORT_ROWS, len(support) + 2), SupportRow),
            checkpoints="\n".join(terms.get("checkpoints") or []),
            success=outcomes.get("success", ""),
            partial=outcomes.get("partial", ""),
            none=outcomes.get("none", ""),
        )

    @classmethod
    def from_post(cls, data) -> TermsEditor:
        goals = [
            GoalRow(i, *(data.get(f"goal-{i}-{f}", "").strip() for f in GOAL_FIELDS))
            for i in range(_count(data, "goal", GOAL_FIELDS))
        ]
        support = [
            SupportRow(i, *(data.get(f"support-{i}-{f}", "").strip() for f in SUPPORT_FIELDS))
            for i in range(_count(data, "support", SUPPORT_FIELDS))
        ]
        return cls(
            problem_statement=data.get("problem_statement", "").strip(),
            start_date=data.get("start_date", "").strip(),
            length_days=data.get("length_days", "").strip(),
            goals=_pad(goals, MAX_GOALS, GoalRow),
            support=_pad(support, SUPPORT_ROWS, SupportRow),
            checkpoints=data.get("checkpoints", ""),
            success=data.get("outcome_success", "").strip(),
            partial=data.get("outcome_partial", "").strip(),
            none=data.get("outcome_none", "").strip(),
        )

    def to_terms(self, base: dict) -> dict:
        """The plan JSON: the editor's fields over `base` (standards, evidence, meta kept).

        Empty goal and support rows are left out; a goal row beyond the third is kept so that
        lint says `too-many-goals` rather than the form dropping it silently.
        """
        goals = [
            {
                "behavior": g.behavior,
                "metric": g.metric,
                "baseline": _number(g.baseline),
                "target": _number(g.target),
                "due_day": _whole(g.due_day),
                "kind": g.kind or GoalKind.IMPROVE.value,
            }
            for g in self.goals
            if g.behavior or g.metric or g.baseline or g.target
        ]
        support = [
            {
                "goal": _goal_index(s.goal),
                "kind": s.kind,
                "cadence": s.cadence,
                "owner": s.owner,
                "description": s.description,
            }
            for s in self.support
            if s.kind or s.cadence or s.owner or s.description
        ]
        outcomes = {"success": self.success, "partial": self.partial, "none": self.none}
        return {
            **base,
            "problem_statement": self.problem_statement,
            "goals": goals,
            "support": support,
            "start_date": self.start_date or None,
            "length_days": _whole(self.length_days),
            "checkpoints": [line.strip() for line in self.checkpoints.splitlines() if line.strip()],
            "outcomes": outcomes if any(outcomes.values()) else None,
        }


GOAL_FIELDS = ("behavior", "metric", "baseline", "target", "due_day", "kind")
SUPPORT_FIELDS = ("goal", "kind", "cadence", "owner", "description")


def _count(data, prefix: str, fields: tuple[str, ...]) -> int:
    """How many rows the POST holds (the highest index present, plus one; capped)."""
    n = 0
    for i in range(20):
        if any(f"{prefix}-{i}-{f}" in data for f in fields):
            n = i + 1
    return n


def _pad(rows: list, size: int, row_cls) -> list:
    return rows + [row_cls(index=i) for i in range(len(rows), size)]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(raw: str):
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw  # lint reports "must be a number"


def _whole(raw: str):
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return raw  # lint reports "must be a whole number"


def _goal_index(raw: str) -> int | None:
    try:
        return int(raw) - 1
    except ValueError:
        return None


# --- the small action forms -----------------------------------------------------------------


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReviewForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment (required when returning: say what to change)",
    )


class AcknowledgeForm(VersionedForm):
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Your comment (optional)",
    )


class CheckpointForm(VersionedForm):
    coaching_notes = forms.CharField(
        required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    adjustments = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Adjustments agreed",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = [("", "—"), *BlockerKind.choices]
        for i in range(BLOCKER_ROWS):
            self.fields[f"blocker_{i}_kind"] = forms.ChoiceField(
                choices=kinds, required=False, label=f"Blocker {i + 1}"
            )
            self.fields[f"blocker_{i}_description"] = forms.CharField(
                required=False, max_length=500, label=f"Blocker {i + 1}: what happened"
            )

    def blocker_rows(self):
        return [
            (self[f"blocker_{i}_kind"], self[f"blocker_{i}_description"])
            for i in range(BLOCKER_ROWS)
        ]

    def blockers(self) -> list[dict]:
        out = []
        for i in range(BLOCKER_ROWS):
            kind = self.cleaned_data.get(f"blocker_{i}_kind")
            if kind:
                description = self.cleaned_data.get(f"blocker_{i}_description", "")
                out.append({"kind": kind, "description": description})
        return out


class ReflectionForm(VersionedForm):
    reflection = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Your reflection"
    )


class FinalReviewForm(VersionedForm):
    pass


class CloseForm(VersionedForm):
    outcome = forms.ChoiceField(choices=PlanOutcome.choices)
    reason = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Reason for the outcome"
    )


class ExtendForm(VersionedForm):
    reason = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the extension",
    )
