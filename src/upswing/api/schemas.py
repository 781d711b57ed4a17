"""What the API returns and accepts. One schema per shape; never `fields="__all__"`, so a new
model field is not published by accident (ASVS 8.2.3)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from ninja import Schema
from pydantic import Field

from upswing.api_shared import ErrorOut  # noqa: F401 - the API's own routers import it here
from upswing.metrics import CATALOG, Level

MetricCode = enum.StrEnum("MetricCode", {code: code for code in CATALOG})


# The API's parameter lists the levels from the widest; the members are upswing.metrics.Level's.
LevelParam = enum.StrEnum("LevelParam", {lv.name: lv.value for lv in reversed(Level)})


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
    value: float | None = Field(description="null: not measured (no input that period), never 0")
    n: int = Field(description="sample size")
    interval: IntervalOut | None = Field(description="95% Wilson interval (shares only)")
    baseline: float | None = Field(description="team value (agent rows), program (team rows)")
    floor: float | None = Field(description="SLA floor in force")
    target: float | None = Field(description="KPI target in force")
    status: str = Field(description="below_sla, below_target, on_target, no_target or not_measured")


class ScorecardOut(Schema):
    level: LevelParam
    entity: str
    period: str | None = Field(
        description="2026-W44, 2026-10, stored periods 2026-07..2026-09, a quarter 2026-Q3 "
        "or days 2026-08-01..2026-09-14"
    )
    partial: str | None = Field(
        None,
        description='"partial week", "partial month", "partial quarter" or "partial range" '
        "when the data does not reach the end of the period yet (its numbers will still change)",
    )
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
    read_as: str = ""  # how a text file was read: delimiter and encoding


class ImportQueuedOut(Schema):
    """202: the import is waiting for or running on the job queue; GET status_url follows it."""

    run_id: int
    status: str
    stage: str
    status_url: str


class ImportProblemOut(Schema):
    line: int
    column: str
    value: str | None
    reason: str


class ImportProblemGroupOut(Schema):
    """Every row failing one check: how many, the first lines and the first line's value."""

    column: str
    reason: str
    count: int
    lines: list[int]
    value: str | None


class ImportRejectedOut(Schema):
    """422: nothing was imported. `problems` holds the first ones, `problem_count` all;
    `groups` all of them by column and reason."""

    detail: str | list[Any]
    file_name: str = ""
    line_label: str = "line"
    problems: list[ImportProblemOut] = []
    problem_count: int = 0
    groups: list[ImportProblemGroupOut] = []


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
    facts: dict  # what the cause rests on, as data (see docs/design-notes.md)


class FindingDetailOut(FindingOut):
    behaviours: list[str]
    evidence: dict[str, list[str]] = Field(
        description="ids the finding rests on: periods, snapshots, interactions, evaluations, "
        "events"
    )
    coaching_sessions: list[int] = Field(
        description="sessions on this finding or read by the rules, that you may see"
    )
