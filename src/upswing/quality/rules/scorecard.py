"""Scorecard templates as data, their validation, and the score of one evaluation.

A template has sections; each section has criteria. A criterion carries a weight (the share
of the evaluation, in percent: the weights of the scored criteria sum to 100), the points it
is marked on (1 = met / not met; 4 = a 0-4 scale, ...), whether it may be marked N/A, the
behaviour category it belongs to (categories are declared by the template, never by the code)
and the SOP it cites. A critical criterion that is not fully met zeroes the whole evaluation
(`critical = "evaluation"`) or its section (`"section"`). A bonus criterion adds up to its
weight in points on top of the score (capped at 100) and is never in the denominator.

Score = 100 × Σ weight × points / max_points over scored criteria ÷ Σ weight over scored
criteria; an N/A criterion leaves both sums; a failed section-critical criterion makes its
section's criteria earn 0 (they stay in the denominator).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

WEIGHT_TOTAL = 100.0
_TOLERANCE = 1e-6


class Critical(enum.StrEnum):
    NONE = "none"
    SECTION = "section"
    EVALUATION = "evaluation"


@dataclass(frozen=True, slots=True)
class SopCitation:
    reference: str
    version: str

    def label(self) -> str:
        return f"{self.reference} v{self.version}" if self.version else self.reference


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: str
    weight: float
    max_points: float = 1.0
    critical: Critical = Critical.NONE
    allow_na: bool = False
    category: str = ""
    bonus: bool = False
    sop: SopCitation | None = None
    guidance: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    sections: tuple[Section, ...]
    categories: tuple[Category, ...] = ()

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for s in self.sections for c in s.criteria)

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)

    def section_of(self, key: str) -> Section:
        for s in self.sections:
            if any(c.key == key for c in s.criteria):
                return s
        raise KeyError(key)

    def category_label(self, key: str) -> str:
        return next((c.label for c in self.categories if c.key == key), key)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """Why a template cannot be used: a stable code, where it is, and what to do."""

    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class TemplateInvalid(ValueError):  # noqa: N818 - reads as "the template is invalid"
    def __init__(self, problems: tuple[TemplateProblem, ...]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --- parsing and validation --------------------------------------------------------------------


def parse_template(data: Mapping) -> Template:
    """A Template from its JSON shape; TemplateInvalid with every problem found otherwise."""
    problems: list[TemplateProblem] = []
    if not isinstance(data, Mapping):
        raise TemplateInvalid((TemplateProblem("shape", "template", "must be an object"),))
    categories = tuple(_category(c, i, problems) for i, c in enumerate(data.get("categories", [])))
    sections = tuple(_section(s, i, problems) for i, s in enumerate(data.get("sections", [])))
    template = Template(str(data.get("name", "")).strip(), sections, categories)
    problems += validate_template(template)
    if problems:
        raise TemplateInvalid(tuple(problems))
    return template


def _category(raw, i: int, problems: list) -> Category:
    where = f"categories[{i}]"
    if not isinstance(raw, Mapping) or not str(raw.get("key", "")).strip():
        problems.append(TemplateProblem("shape", where, "needs a key and a label"))
        return Category("", "")
    key = str(raw["key"]).strip()
    return Category(key, str(raw.get("label") or key).strip())


def _section(raw, i: int, problems: list) -> Section:
    where = f"sections[{i}]"
    if not isinstance(raw, Mapping):
        problems.append(TemplateProblem("shape", where, "must be an object"))
        return Section("", "", ())
    criteria = tuple(
        _criterion(c, f"{where}.criteria[{j}]", problems)
        for j, c in enumerate(raw.get("criteria", []))
    )
    key = str(raw.get("key", "")).strip()
    return Section(key, str(raw.get("label") or key).strip(), criteria)


def _number(raw, name: str, where: str, problems: list, default: float | None = None) -> float:
    value = raw.get(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(TemplateProblem("number", f"{where}.{name}", f"{value!r} is not a number"))
        return math.nan
    if not math.isfinite(number):
        problems.append(TemplateProblem("number", f"{where}.{name}", "must be a finite number"))
    return number


def _criterion(raw, where: str, problems: list) -> Criterion:
    if not isinstance(raw, Mapping):
        problems.append(TemplateProblem("shape", where, "must be an object"))
        return Criterion("", "", math.nan)
    try:
        critical = Critical(str(raw.get("critical") or "none"))
    except ValueError:
        problems.append(
            TemplateProblem("critical", f"{where}.critical", "must be none, section or evaluation")
        )
        critical = Critical.NONE
    sop = raw.get("sop")
    citation = None
    if isinstance(sop, Mapping) and str(sop.get("reference", "")).strip():
        citation = SopCitation(str(sop["reference"]).strip(), str(sop.get("version", "")).strip())
    key = str(raw.get("key", "")).strip()
    return Criterion(
        key=key,
        label=str(raw.get("label") or key).strip(),
        weight=_number(raw, "weight", where, problems),
        max_points=_number(raw, "max_points", where, problems, 1.0),
        critical=critical,
        allow_na=bool(raw.get("allow_na", False)),
        category=str(raw.get("category") or "").strip(),
        bonus=bool(raw.get("bonus", False)),
        sop=citation,
        guidance=str(raw.get("guidance") or "").strip(),
    )


def validate_template(template: Template) -> tuple[TemplateProblem, ...]:
    """Every reason the template cannot score an evaluation (empty: it can)."""
    problems: list[TemplateProblem] = []
    if not template.name:
        problems.append(TemplateProblem("name", "name", "give the template a name"))
    if not template.sections:
        problems.append(TemplateProblem("empty", "sections", "add at least one section"))
    problems += _unique("sections", [s.key for s in template.sections])
    problems += _unique("criteria", [c.key for c in template.criteria])
    problems += _unique("categories", [c.key for c in template.categories])
    declared = {c.key for c in template.categories}
    for i, section in enumerate(template.sections):
        if not section.criteria:
            problems.append(
                TemplateProblem(
                    "empty", f"sections[{i}]", f"section {section.label!r} has no criteria"
                )
            )
        for c in section.criteria:
            problems += _criterion_problems(c, f"criterion {c.key or '?'}", declared)
    problems += validate_weights(template.criteria)
    return tuple(problems)


def _unique(where: str, keys: list[str]) -> list[TemplateProblem]:
    out = [TemplateProblem("key", where, "every entry needs a key") for k in keys if not k][:1]
    seen: set[str] = set()
    for k in keys:
        if k and k in seen:
            out.append(TemplateProblem("duplicate", where, f"the key {k!r} is used twice"))
        seen.add(k)
    return out


def _criterion_problems(c: Criterion, where: str, declared: set[str]) -> list[TemplateProblem]:
    out = []
    if not math.isnan(c.weight) and c.weight <= 0:
        out.append(TemplateProblem("weight", where, f"weight {c.weight:g} must be above 0"))
    if not math.isnan(c.max_points) and c.max_points <= 0:
        out.append(TemplateProblem("points", where, "max_points must be above 0"))
    if c.category and c.category not in declared:
        out.append(
            TemplateProblem(
                "category", where, f"category {c.category!r} is not among the template's categories"
            )
        )
    if c.bonus and c.critical is not Critical.NONE:
        out.append(TemplateProblem("bonus", where, "a bonus criterion cannot be critical"))
    return out


def validate_weights(criteria: tuple[Criterion, ...]) -> tuple[TemplateProblem, ...]:
    """The scored (non-bonus) weights sum to 100; a bonus adds at most 100 on top."""
    scored = [c.weight for c in criteria if not c.bonus]
    if any(math.isnan(w) for w in scored) or not scored:
        return ()
    total = math.fsum(scored)
    if abs(total - WEIGHT_TOTAL) > _TOLERANCE:
        return (
            TemplateProblem(
                "weights-sum",
                "criteria",
                f"the weights of the scored criteria sum to {total:g}, not {WEIGHT_TOTAL:g}",
            ),
        )
    return ()


def template_to_dict(template: Template) -> dict:
    """The JSON shape `parse_template` reads (stored with each version)."""
    return {
        "name": template.name,
        "categories": [{"key": c.key, "label": c.label} for c in template.categories],
        "sections": [
            {"key": s.key, "label": s.label, "criteria": [_criterion_dict(c) for c in s.criteria]}
            for s in template.sections
        ],
    }


def _criterion_dict(c: Criterion) -> dict:
    out = {
        "key": c.key,
        "label": c.label,
        "weight": c.weight,
        "max_points": c.max_points,
        "critical": c.critical.value,
        "allow_na": c.allow_na,
        "category": c.category,
        "bonus": c.bonus,
        "guidance": c.guidance,
    }
    if c.sop is not None:
        out["sop"] = {"reference": c.sop.reference, "version": c.sop.version}
    return out


def sop_changes(old: Template, new: Template) -> dict[str, tuple[SopCitation, SopCitation | None]]:
    """Criteria whose cited SOP changed (reference or version) or were dropped, by key."""
    after = {c.key: c.sop for c in new.criteria}
    return {
        c.key: (c.sop, after.get(c.key))
        for c in old.criteria
        if c.sop is not None and after.get(c.key) != c.sop
    }


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """One criterion as marked: points earned, or None for N/A."""

    points: float | None


@dataclass(frozen=True, slots=True)
class CriterionResult:
    key: str
    points: float | None  # None: N/A
    max_points: float
    weight: float
    earned: float  # weight × points / max, after a section zeroing; 0 for N/A
    met: bool | None  # None: N/A
    zeroed: bool = False
    bonus: bool = False


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The score in percent (None when every scored criterion is N/A)."""

    score: float | None
    before_critical: float | None
    bonus: float
    criteria: tuple[CriterionResult, ...]
    failed_critical: tuple[str, ...] = ()
    zeroed_sections: tuple[str, ...] = ()
    na: tuple[str, ...] = ()
    sections: dict[str, float | None] = field(default_factory=dict)

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria if c.met is False)


class MarksInvalid(ValueError):  # noqa: N818 - reads as "the marks are invalid"
    def __init__(self, problems: tuple[TemplateProblem, ...]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def check_marks(template: Template, marks: Mapping[str, Mark]) -> tuple[TemplateProblem, ...]:
    problems = []
    for c in template.criteria:
        mark = marks.get(c.key)
        where = f"criterion {c.label}"
        if mark is None:
            problems.append(TemplateProblem("missing", where, "mark it (or N/A where allowed)"))
        elif mark.points is None:
            if not c.allow_na:
                problems.append(TemplateProblem("na", where, "may not be marked N/A"))
        elif not (0 <= mark.points <= c.max_points) or math.isnan(mark.points):
            problems.append(
                TemplateProblem("points", where, f"points must be between 0 and {c.max_points:g}")
            )
    unknown = sorted(set(marks) - {c.key for c in template.criteria})
    if unknown:
        problems.append(
            TemplateProblem("unknown", "marks", f"not in this template: {', '.join(unknown)}")
        )
    return tuple(problems)


def score_evaluation(template: Template, marks: Mapping[str, Mark]) -> ScoreResult:
    """The evaluation's score by the template's rules (MarksInvalid on a bad mark)."""
    problems = check_marks(template, marks)
    if problems:
        raise MarksInvalid(problems)
    failed = tuple(
        c.key
        for c in template.criteria
        if c.critical is not Critical.NONE
        and marks[c.key].points is not None
        and marks[c.key].points < c.max_points
    )
    zeroed = tuple(
        s.key
        for s in template.sections
        if any(template.criterion(k).critical is Critical.SECTION for k in failed if k in _keys(s))
    )
    results = tuple(
        _result(c, marks[c.key], template.section_of(c.key).key in zeroed)
        for c in template.criteria
    )
    scored = [r for r in results if not r.bonus and r.met is not None]
    bonus = math.fsum(r.earned for r in results if r.bonus)
    denominator = math.fsum(r.weight for r in scored)
    base = 100.0 * math.fsum(r.earned for r in scored) / denominator if denominator else None
    with_bonus = None if base is None else min(100.0, base + bonus)
    evaluation_failed = any(template.criterion(k).critical is Critical.EVALUATION for k in failed)
    return ScoreResult(
        score=0.0 if evaluation_failed and with_bonus is not None else with_bonus,
        before_critical=None if base is None else min(100.0, _unzeroed(template, marks) + bonus),
        bonus=bonus,
        criteria=results,
        failed_critical=failed,
        zeroed_sections=zeroed,
        na=tuple(r.key for r in results if r.met is None),
        sections={s.key: _section_score(s, results) for s in template.sections},
    )


def _keys(section: Section) -> set[str]:
    return {c.key for c in section.criteria}


def _result(c: Criterion, mark: Mark, zeroed: bool) -> CriterionResult:
    if mark.points is None:
        return CriterionResult(c.key, None, c.max_points, c.weight, 0.0, None, bonus=c.bonus)
    earned = 0.0 if zeroed and not c.bonus else c.weight * mark.points / c.max_points
    met = mark.points >= c.max_points
    return CriterionResult(c.key, mark.points, c.max_points, c.weight, earned, met, zeroed, c.bonus)


def _unzeroed(template: Template, marks: Mapping[str, Mark]) -> float:
    """The score as if no critical rule applied (shown beside a zeroed score)."""
    scored = [c for c in template.criteria if not c.bonus and marks[c.key].points is not None]
    total = math.fsum(c.weight for c in scored)
    earned = math.fsum(c.weight * marks[c.key].points / c.max_points for c in scored)
    return 100.0 * earned / total if total else 0.0


def _section_score(section: Section, results: tuple[CriterionResult, ...]) -> float | None:
    keys = _keys(section)
    mine = [r for r in results if r.key in keys and r.met is not None and not r.bonus]
    total = math.fsum(r.weight for r in mine)
    return 100.0 * math.fsum(r.earned for r in mine) / total if total else None
