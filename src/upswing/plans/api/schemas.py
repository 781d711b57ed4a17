"""What the plan operations of the API take and return (one schema per shape)."""

import datetime as dt
import enum
from typing import Any

from ninja import Field, Schema

from upswing.api_shared import ErrorOut
from upswing.plans.models import BlockerKind, PlanOutcome, PlanState

MAX_ID = 2**31 - 1
LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

PlanStateParam = enum.StrEnum("PlanStateParam", {s.name: s.value for s in PlanState})
BlockerKindParam = enum.StrEnum("BlockerKindParam", {k.name: k.value for k in BlockerKind})
OutcomeParam = enum.StrEnum("OutcomeParam", {o.name: o.value for o in PlanOutcome})


class Decision(enum.StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class PlanOut(Schema):
    id: int
    agent: str = Field(description="agent code")
    agent_name: str
    team: str = Field(description="team code")
    program: str = Field(description="program code")
    metric: str
    state: str = Field(description="draft, hr_review, shared, active, final_review or closed")
    state_label: str
    outcome: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    version: int = Field(description="send it back with every change (a stale copy is refused)")
    created_at: dt.datetime


class VersionOut(Schema):
    number: int
    reason: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class CheckpointOut(Schema):
    number: int
    due_on: dt.date
    is_final: bool
    completed_at: dt.datetime | None
    on_time: bool | None
    overdue: bool = Field(description="not recorded and its day has passed")
    metrics: list[dict[str, Any]] = Field(description="goal metrics pulled when recorded")
    coaching_notes: str
    blockers: list[dict[str, str]]
    adjustments: str
    agent_reflection: str
    version: int = Field(description="the checkpoint's own version, for recording it")


class PlanDetailOut(PlanOut):
    terms_version: int | None = Field(description="the version whose terms are shown")
    terms: dict[str, Any] | None = Field(description="the plan JSON (`upswing plan lint` shape)")
    problems: list[dict[str, Any]] = Field(description="lint problems (staff only)")
    outcome_reason: str
    versions: list[VersionOut]
    checkpoints: list[CheckpointOut]
    can: dict[str, bool] = Field(description="what you may do now (each action checks again)")


class DraftIn(Schema):
    agent: str | None = Field(default=None, max_length=100, description="agent code")
    finding: int | None = Field(default=None, ge=1, le=MAX_ID, description="a pip finding id")
    length_days: int = Field(default=90, ge=30, le=180)


class VersionIn(Schema):
    version: int = Field(ge=1, le=MAX_ID, description="the plan's version you read")


class TermsIn(VersionIn):
    terms: dict[str, Any] = Field(description="the whole plan JSON")


class ReviewIn(VersionIn):
    decision: Decision
    comment: str = Field(default="", max_length=4000, description="required to return")


class AcknowledgeIn(VersionIn):
    comment: str = Field(default="", max_length=4000)


class BlockerIn(Schema):
    kind: BlockerKindParam
    description: str = Field(default="", max_length=500)


class CheckpointIn(Schema):
    version: int = Field(ge=1, le=MAX_ID, description="the checkpoint's version you read")
    coaching_notes: str = Field(default="", max_length=8000)
    blockers: list[BlockerIn] = Field(default=[], max_length=10)
    adjustments: str = Field(default="", max_length=4000)


class ReflectionIn(Schema):
    version: int = Field(ge=1, le=MAX_ID, description="the checkpoint's version you read")
    reflection: str = Field(min_length=1, max_length=4000)


class FinalReviewIn(VersionIn):
    pass


class ExtendIn(VersionIn):
    reason: str = Field(min_length=1, max_length=4000, description="why the plan is extended")


class CloseIn(VersionIn):
    outcome: OutcomeParam
    reason: str = Field(min_length=1, max_length=4000, description="why this outcome")
