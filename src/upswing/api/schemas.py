"""What the API returns and accepts. One schema per shape; never `fields="__all__"`, so a new
model field is not published by accident (ASVS 8.2.3)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from ninja import Schema
from pydantic import Field

from upswing.metrics import CATALOG


class ErrorOut(Schema):
    """401, 403, 404, 409; and 422, whose detail is a list of problems when the request
    itself does not fit the schema."""

    detail: str | list[Any]


MetricCode = enum.StrEnum("MetricCode", {code: code for code in CATALOG})


class LevelParam(enum.StrEnum):
    PROGRAM = "program"
    TEAM = "team"
    AGENT = "agent"


class PeriodKindParam(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


class ClientRef(Schema):
    code: str
    name: str


class ProgramOut(Schema):
    code: str
    name: str
    client: ClientRef
    time_zone: str
    service_level_seconds: int


class TeamRef(Schema):
    code: str
    name: str


class ProgramDetailOut(ProgramOut):
    teams: list[TeamRef] = Field(description="teams you may see (none for a client viewer)")


class TeamOut(Schema):
    code: str
    name: str
    program: str = Field(description="program code")
    lead_email: str

    @staticmethod
    def resolve_program(team) -> str:
        return team.program.code


class MembershipOut(Schema):
    team: str = Field(description="team code")
    start_date: dt.date
    end_date: dt.date | None


class AgentOut(Schema):
    code: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None
    memberships: list[MembershipOut] = Field(
        description="spells on teams you may see (all of them for your own record)"
    )


class IntervalOut(Schema):
    low: float
    high: float


class ScoreValueOut(Schema):
    metric: str
    label: str
    unit: str
    value: float
    n: int = Field(description="sample size")
    interval: IntervalOut | None = Field(description="95% Wilson interval (shares only)")
    baseline: float | None = Field(description="team value (agent rows), program (team rows)")
    floor: float | None = Field(description="SLA floor in force")
    target: float | None = Field(description="KPI target in force")
    status: str = Field(description="below_sla, below_target, on_target or no_target")


class ScorecardOut(Schema):
    level: LevelParam
    entity: str
    period: str | None = Field(description="2026-W44, 2026-10 or a range 2026-07..2026-09")
    values: list[ScoreValueOut]


class TrendPointOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    value: float | None = Field(description="null: no data that period (a gap, not skipped)")
    n: int
    interval: IntervalOut | None
    baseline: float | None
    floor: float | None
    target: float | None
    status: str


class TrendOut(Schema):
    program: str
    metric: str
    kind: PeriodKindParam
    points: list[TrendPointOut]


class TargetOut(Schema):
    id: int
    program: str
    team: str | None
    metric: str
    sla_floor: float | None
    kpi_target: float | None
    source: str
    effective_from: dt.date
    created_at: dt.datetime


class TargetIn(Schema):
    program: str = Field(min_length=1, max_length=100)
    team: str | None = Field(default=None, max_length=100)
    metric: MetricCode
    sla_floor: float | None = Field(default=None, allow_inf_nan=False)
    kpi_target: float | None = Field(default=None, allow_inf_nan=False)
    source: str = Field(default="", max_length=200, description='e.g. "MSA §4.2"')
    effective_from: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2999, 12, 31))


class TargetCreatedOut(Schema):
    target: TargetOut
    previous: TargetOut | None = Field(description="the version in force the day before")


class ImportOut(Schema):
    kind: str
    file_name: str
    source: str
    batch_id: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    warnings: list[str]


class ImportProblemOut(Schema):
    line: int
    column: str
    value: str | None
    reason: str


class ImportRejectedOut(Schema):
    """422: nothing was imported. `problems` holds the first ones, `problem_count` all."""

    detail: str | list[Any]
    file_name: str = ""
    line_label: str = "line"
    problems: list[ImportProblemOut] = []
    problem_count: int = 0


class FindingOut(Schema):
    id: int
    as_of: dt.date
    rules_version: str
    program: str
    team: str
    agent: str
    metric: str
    kind: str
    cause: str
    recommendation: str
    period_kind: str
    periods: list[str]
    reasons: list[str]
