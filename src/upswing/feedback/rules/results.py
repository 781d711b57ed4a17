"""What a cycle's results show: cells and comments released only past the thresholds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from upswing.feedback.rules import (
    ALL_LABEL,
    ANONYMOUS_GROUPS,
    GROUP_LABELS,
    GROUP_PRIVACY,
    POOL,
    POOL_LABEL,
    Privacy,
    RaterGroup,
    Thresholds,
)
from upswing.feedback.rules.questions import Question, QuestionKind


@dataclass(frozen=True, slots=True)
class Sheet:
    """One rater's answers; anonymous sheets carry no rater, so neither does this."""

    group: RaterGroup
    answers: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Cell:
    """What one group (or the pool, or all) shows for one rating question."""

    key: str  # a RaterGroup value, POOL or "all"
    label: str
    privacy: Privacy
    shown: bool
    members: frozenset[str] = frozenset()  # the groups whose answers are inside (for checks)
    n: int | None = None
    mean: float | None = None
    distribution: tuple[int, ...] | None = None

    def to_dict(self) -> dict:
        return {
            "group": self.key,
            "label": self.label,
            "privacy": self.privacy.value,
            "shown": self.shown,
            "n": self.n,
            "mean": self.mean,
            "distribution": list(self.distribution) if self.distribution else None,
        }


@dataclass(frozen=True, slots=True)
class CommentBlock:
    key: str
    label: str
    privacy: Privacy
    shown: bool
    members: frozenset[str] = frozenset()
    comments: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "group": self.key,
            "label": self.label,
            "privacy": self.privacy.value,
            "shown": self.shown,
            "comments": list(self.comments),
        }


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: Question
    cells: tuple[Cell, ...] = ()
    comments: tuple[CommentBlock, ...] = ()

    def to_dict(self) -> dict:
        out = {"key": self.question.key, "text": self.question.text, "kind": self.question.kind}
        if self.question.kind == QuestionKind.RATING:
            out["scale"] = list(self.question.scale.points)
            out["groups"] = [c.to_dict() for c in self.cells]
        else:
            out["comments"] = [b.to_dict() for b in self.comments]
        return out


@dataclass(frozen=True, slots=True)
class Results:
    thresholds: Thresholds
    questions: tuple[QuestionResult, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "thresholds": {"raters": self.thresholds.raters, "comments": self.thresholds.comments},
            "questions": [q.to_dict() for q in self.questions],
        }


def summarise(
    questions: Sequence[Question],
    sheets: Iterable[Sheet],
    thresholds: Thresholds,
    *,
    groups: Iterable[str] | None = None,
    salt: str = "",
) -> Results:
    """Per question and group, what may be shown. `groups` filters the view: it picks among the
    cells released on the whole cycle and never changes what is suppressed or pooled."""
    sheets = tuple(sheets)
    wanted = None if groups is None else {str(g) for g in groups}
    out = []
    for q in questions:
        if q.kind == QuestionKind.RATING:
            cells = _rating_cells(q, sheets, thresholds.raters)
            out.append(QuestionResult(q, cells=_pick(cells, wanted)))
        else:
            blocks = _comment_blocks(q, sheets, thresholds.comments, salt)
            out.append(QuestionResult(q, comments=_pick(blocks, wanted)))
    return Results(thresholds, tuple(out))


def _answers(q: Question, sheets: Sequence[Sheet], group: str) -> list:
    return [s.answers[q.key] for s in sheets if s.group == group and q.key in s.answers]


def _released(sizes: Mapping[str, int], minimum: int) -> tuple[set[str], bool]:
    """Anonymous groups shown on their own, and whether the pool of the others is shown."""
    own = {g for g, n in sizes.items() if n >= minimum}
    rest = sum(n for g, n in sizes.items() if g not in own)
    return own, rest >= minimum


def _rating_cells(q: Question, sheets: Sequence[Sheet], minimum: int) -> list[Cell]:
    cells = []
    for group in (RaterGroup.SELF, RaterGroup.MANAGER):
        values = _answers(q, sheets, group)
        if values:
            cells.append(_cell(q, group, GROUP_LABELS[group], GROUP_PRIVACY[group], values))
    values = {g.value: _answers(q, sheets, g) for g in ANONYMOUS_GROUPS}
    own, pool_shown = _released({g: len(v) for g, v in values.items()}, minimum)
    everything: list = []
    members: set[str] = set()
    for g in ANONYMOUS_GROUPS:
        if g in own:
            cells.append(_cell(q, g, GROUP_LABELS[g], Privacy.ANONYMOUS, values[g]))
            everything += values[g]
            members.add(g)
        else:
            cells.append(Cell(g.value, GROUP_LABELS[g], Privacy.ANONYMOUS, shown=False))
    pooled_groups = [g for g in ANONYMOUS_GROUPS if g not in own]
    if pool_shown:
        pooled = [v for g in pooled_groups for v in values[g]]
        cell = _cell(q, POOL, POOL_LABEL, Privacy.ANONYMOUS, pooled, frozenset(pooled_groups))
        cells.append(cell)
        everything += pooled
        members |= set(pooled_groups)
    if everything:
        cells.append(_cell(q, "all", ALL_LABEL, Privacy.ANONYMOUS, everything, frozenset(members)))
    else:
        cells.append(Cell("all", ALL_LABEL, Privacy.ANONYMOUS, shown=False))
    return cells


def _cell(q, key, label, privacy, values, members=None) -> Cell:
    counts = tuple(sum(1 for v in values if v == p) for p in q.scale.points)
    return Cell(
        key=str(key),
        label=label,
        privacy=privacy,
        shown=True,
        members=members if members is not None else frozenset({str(key)}),
        n=len(values),
        mean=round(sum(values) / len(values), 2),
        distribution=counts,
    )


def _comment_blocks(q: Question, sheets: Sequence[Sheet], minimum: int, salt: str):
    blocks = []
    for group in (RaterGroup.SELF, RaterGroup.MANAGER):
        texts = _answers(q, sheets, group)
        if texts:
            blocks.append(
                CommentBlock(
                    group.value,
                    GROUP_LABELS[group],
                    GROUP_PRIVACY[group],
                    True,
                    frozenset({group.value}),
                    tuple(texts),
                )
            )
    texts = {g.value: _answers(q, sheets, g) for g in ANONYMOUS_GROUPS}
    own, pool_shown = _released({g: len(v) for g, v in texts.items()}, minimum)
    for g in ANONYMOUS_GROUPS:
        shown = g in own
        comments = shuffled(texts[g], salt) if shown else ()
        blocks.append(
            CommentBlock(
                g.value, GROUP_LABELS[g], Privacy.ANONYMOUS, shown, frozenset({g}), comments
            )
        )
    if pool_shown:
        rest = [g for g in ANONYMOUS_GROUPS if g not in own]
        pooled = shuffled([t for g in rest for t in texts[g]], salt)
        blocks.append(
            CommentBlock(POOL, POOL_LABEL, Privacy.ANONYMOUS, True, frozenset(rest), pooled)
        )
    return blocks


def _pick(items: list, wanted: set[str] | None) -> tuple:
    if wanted is None:
        return tuple(items)
    return tuple(i for i in items if i.key in wanted)


def shuffled(texts: Iterable[str], salt: str = "") -> tuple[str, ...]:
    """Comments in an order that depends on their words only, never on when they were given."""

    def key(text: str) -> str:
        return hashlib.sha256(f"{salt}\x00{text}".encode()).hexdigest()

    return tuple(sorted(texts, key=key))
