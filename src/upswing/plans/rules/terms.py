"""A plan's terms in the JSON shape `upswing plan draft` prints and `upswing plan lint` reads.

Parsing is tolerant: a missing or malformed field becomes empty (or None) and is reported as
a shape problem, so that lint can still say everything else that is wrong with the plan.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from upswing.plans.rules.schedule import Phase, plan_phases


class GoalKind(enum.StrEnum):
    IMPROVE = "improve"  # move from the baseline to the target
    HOLD = "hold"  # keep at or better than the target (a guard on a paired metric)


class SupportKind(enum.StrEnum):
    ONE_TO_ONE = "one_to_one"
    SIDE_BY_SIDE = "side_by_side"
    REFRESHER_TRAINING = "refresher_training"
    JOB_AID = "job_aid"
    PEER_SHADOWING = "peer_shadowing"
    CALL_REVIEW = "call_review"


@dataclass(frozen=True, slots=True)
class StandardTerm:
    metric: str
    sla_floor: float | None
    kpi_target: float | None
    source: str
    measurement: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    kind: str
    summary: str
    refs: tuple[str, ...] = ()
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    behavior: str
    metric: str
    baseline: float | None
    target: float | None
    due_day: int | None
    kind: GoalKind = GoalKind.IMPROVE


@dataclass(frozen=True, slots=True)
class SupportAction:
    goal: int | None
    kind: str
    cadence: str
    owner: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Outcomes:
    success: str = ""
    partial: str = ""
    none: str = ""


@dataclass(frozen=True, slots=True)
class PlanTerms:
    agent_id: str
    problem_statement: str = ""
    standards: tuple[StandardTerm, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    goals: tuple[Goal, ...] = ()
    support: tuple[SupportAction, ...] = ()
    start_date: dt.date | None = None
    length_days: int | None = None
    checkpoints: tuple[dt.date, ...] = ()
    outcomes: Outcomes | None = None
    phases: tuple[Phase, ...] = ()
    meta: dict = field(default_factory=dict, compare=False)  # finding, team, program, time zone
    shape_errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def end_date(self) -> dt.date | None:
        if self.start_date is None or not self.length_days:
            return None
        return self.start_date + dt.timedelta(days=self.length_days - 1)

    @property
    def metrics(self) -> tuple[str, ...]:
        """Every metric and measure the plan names, standards first, without repeats."""
        codes = [s.metric for s in self.standards] + [g.metric for g in self.goals]
        return tuple(dict.fromkeys(c for c in codes if c))

    def to_dict(self) -> dict:
        return {
            "agent_id": self.agent_id,
            "problem_statement": self.problem_statement,
            "standards": [_plain(s) for s in self.standards],
            "evidence": [{**_plain(e), "refs": list(e.refs)} for e in self.evidence],
            "goals": [{**_plain(g), "kind": g.kind.value} for g in self.goals],
            "support": [_plain(s) for s in self.support],
            "start_date": _iso(self.start_date),
            "length_days": self.length_days,
            "checkpoints": [d.isoformat() for d in self.checkpoints],
            "outcomes": _plain(self.outcomes) if self.outcomes else None,
            "phases": [
                {**_plain(p), "starts_on": _iso(p.starts_on), "ends_on": _iso(p.ends_on)}
                for p in self.phases
            ],
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: object) -> PlanTerms:
        return _Parser().terms(data)


def _plain(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class _Parser:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def terms(self, data: object) -> PlanTerms:
        if not isinstance(data, dict):
            return PlanTerms(agent_id="", shape_errors=("the plan must be a JSON object",))
        outcomes = data.get("outcomes")
        terms = PlanTerms(
            agent_id=self.text(data, "agent_id", "agent_id"),
            problem_statement=self.text(data, "problem_statement", "problem_statement"),
            standards=self.items(data, "standards", self.standard),
            evidence=self.items(data, "evidence", self.evidence),
            goals=self.items(data, "goals", self.goal),
            support=self.items(data, "support", self.support),
            start_date=self.date(data.get("start_date"), "start_date"),
            length_days=self.length(data.get("length_days")),
            checkpoints=tuple(
                d
                for i, raw in enumerate(self.listing(data, "checkpoints"))
                if (d := self.date(raw, f"checkpoints[{i}]")) is not None
            ),
            outcomes=self.outcomes(outcomes) if outcomes is not None else None,
            phases=(),
            meta=data.get("meta") if isinstance(data.get("meta"), dict) else {},
        )
        phases = ()
        if terms.start_date is not None and terms.length_days and terms.length_days >= 3:
            phases = plan_phases(terms.start_date, terms.length_days)
        return PlanTerms(**{**_fields(terms), "phases": phases, "shape_errors": tuple(self.errors)})

    def listing(self, data: dict, key: str) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors.append(f"{key} must be a list")
            return []
        return value

    def items(self, data: dict, key: str, parse) -> tuple:
        out = []
        for i, raw in enumerate(self.listing(data, key)):
            where = f"{key}[{i}]"
            if isinstance(raw, str) and key == "evidence":
                out.append(EvidenceItem(kind="note", summary=raw))
            elif not isinstance(raw, dict):
                self.errors.append(f"{where} must be an object")
            else:
                out.append(parse(raw, where))
        return tuple(out)

    def standard(self, raw: dict, where: str) -> StandardTerm:
        return StandardTerm(
            metric=self.text(raw, "metric", where),
            sla_floor=self.number(raw.get("sla_floor"), f"{where}.sla_floor"),
            kpi_target=self.number(raw.get("kpi_target"), f"{where}.kpi_target"),
            source=self.text(raw, "source", where),
            measurement=self.text(raw, "measurement", where),
        )

    def evidence(self, raw: dict, where: str) -> EvidenceItem:
        refs = raw.get("refs") or []
        return EvidenceItem(
            kind=self.text(raw, "kind", where),
            summary=self.text(raw, "summary", where),
            refs=tuple(str(r) for r in refs) if isinstance(refs, list) else (),
            count=self.integer(raw.get("count"), f"{where}.count"),
        )

    def goal(self, raw: dict, where: str) -> Goal:
        kind = raw.get("kind") or GoalKind.IMPROVE.value
        if kind not in {k.value for k in GoalKind}:
            self.errors.append(f"{where}.kind must be improve or hold, not {kind!r}")
            kind = GoalKind.IMPROVE.value
        return Goal(
            behavior=self.text(raw, "behavior", where) or self.text(raw, "behaviour", where),
            metric=self.text(raw, "metric", where),
            baseline=self.number(raw.get("baseline"), f"{where}.baseline"),
            target=self.number(raw.get("target"), f"{where}.target"),
            due_day=self.integer(raw.get("due_day"), f"{where}.due_day"),
            kind=GoalKind(kind),
        )

    def support(self, raw: dict, where: str) -> SupportAction:
        goal = raw.get("goal", raw.get("goal_index"))
        return SupportAction(
            goal=self.integer(goal, f"{where}.goal"),
            kind=self.text(raw, "kind", where),
            cadence=self.text(raw, "cadence", where),
            owner=self.text(raw, "owner", where),
            description=self.text(raw, "description", where),
        )

    def outcomes(self, raw: object) -> Outcomes | None:
        if not isinstance(raw, dict):
            self.errors.append("outcomes must be an object with success, partial and none")
            return None
        return Outcomes(
            success=self.text(raw, "success", "outcomes"),
            partial=self.text(raw, "partial", "outcomes"),
            none=self.text(raw, "none", "outcomes"),
        )

    def text(self, raw: dict, key: str, where: str) -> str:
        value = raw.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors.append(f"{where}.{key} must be text")
            return ""
        return value.strip()

    def number(self, value: object, where: str) -> float | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.errors.append(f"{where} must be a number, not {value!r}")
            return None
        return float(value)

    def integer(self, value: object, where: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors.append(f"{where} must be a whole number, not {value!r}")
            return None
        if abs(value) > MAX_WHOLE:
            self.errors.append(f"{where} must be between -{MAX_WHOLE} and {MAX_WHOLE}")
            return None
        return value

    def length(self, value: object) -> int | None:
        days = self.integer(value, "length_days")
        if days is not None and not 1 <= days <= MAX_LENGTH_DAYS:
            self.errors.append(f"length_days must be from 1 to {MAX_LENGTH_DAYS}, not {days}")
            return None
        return days

    def date(self, value: object, where: str) -> dt.date | None:
        if value is None or value == "":
            return None
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            self.errors.append(f"{where} must be a date written YYYY-MM-DD, not {value!r}")
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.errors.append(f"{where} must fall between {FIRST_YEAR} and {LAST_YEAR}")
            return None
        return day


# Bounds that keep every date a plan computes (start + length, start + a goal's due day)
# inside the calendar: a plan runs within these years, for at most ten years.
FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_LENGTH_DAYS = 3650
MAX_WHOLE = 100_000


def _fields(terms: PlanTerms) -> dict:
    return {name: getattr(terms, name) for name in terms.__slots__}
