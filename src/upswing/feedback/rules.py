"""Pure 360-feedback decisions: questions as data, who rates in which capacity, and what may be
shown without exposing a rater.

No Django, no Ibis: plain values in, frozen dataclasses out. The same functions decide for the
pages, the API, the CSV export and the CLI, so a threshold is kept in one place.

Anonymity, as decided here:

- A rater group is *attributed* (self: the subject's own view), *confidential* (the manager:
  stored with the rater's name, one person the subject knows; never called anonymous) or
  *anonymous* (peers, direct reports, others: stored without any link to the rater).
- An anonymous group shows nothing for a question — no mean, no distribution, no count —
  unless at least `raters` people answered it. Its comments need `comments` (higher).
- Groups too small to show are pooled into "other raters combined" only when the pool itself
  reaches the threshold; otherwise their answers are left out of every total. Decisions are
  made once on the whole cycle and filters only pick among released cells, so no filter,
  total or difference of two views isolates a suppressed group (complementary suppression).
- Comments are shown unattributed, without dates, in an order derived from their text only.
- Anonymous continuous notes are released in whole batches: a month's notes join a batch once
  the month has ended, and a batch opens when it holds at least `comments` notes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

HARD_FLOOR = 3  # never fewer raters behind a shown number, whatever the settings say
DEFAULT_MIN_RATERS = 5
DEFAULT_MIN_COMMENTERS = 7
MAX_QUESTIONS = 30
MAX_SCALE_POINTS = 11


class RaterGroup(enum.StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    OTHER = "other"


class Privacy(enum.StrEnum):
    ATTRIBUTED = "attributed"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"


GROUP_PRIVACY = {
    RaterGroup.SELF: Privacy.ATTRIBUTED,
    RaterGroup.MANAGER: Privacy.CONFIDENTIAL,
    RaterGroup.PEER: Privacy.ANONYMOUS,
    RaterGroup.DIRECT_REPORT: Privacy.ANONYMOUS,
    RaterGroup.OTHER: Privacy.ANONYMOUS,
}
GROUP_LABELS = {
    RaterGroup.SELF: "Self",
    RaterGroup.MANAGER: "Manager",
    RaterGroup.PEER: "Peers",
    RaterGroup.DIRECT_REPORT: "Direct reports",
    RaterGroup.OTHER: "Others",
}
GROUP_AS = {
    RaterGroup.SELF: "yourself",
    RaterGroup.MANAGER: "their manager",
    RaterGroup.PEER: "a peer",
    RaterGroup.DIRECT_REPORT: "a direct report",
    RaterGroup.OTHER: "a colleague",
}
PRIVACY_NOTES = {
    Privacy.ATTRIBUTED: "Your own answers, shown as yours.",
    Privacy.CONFIDENTIAL: (
        "Not anonymous: your answers are kept with your name and shown as the "
        "manager's view; only the subject, their leads and HR read them."
    ),
    Privacy.ANONYMOUS: (
        "Your answers are stored without your name or any link to you, and shown "
        "only pooled with at least {raters} other answers (comments: {comments})."
    ),
}
ANONYMOUS_GROUPS = tuple(g for g, p in GROUP_PRIVACY.items() if p == Privacy.ANONYMOUS)
POOL = "pool"
POOL_LABEL = "Smaller groups combined"
ALL_LABEL = "All anonymous raters"


class FeedbackRuleError(ValueError):
    """A template, threshold or answer that cannot be accepted; the message says where and why."""


# --- thresholds -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Thresholds:
    raters: int = DEFAULT_MIN_RATERS
    comments: int = DEFAULT_MIN_COMMENTERS


def site_thresholds(raters: int, comments: int) -> Thresholds:
    """The site's thresholds from settings: refused below the hard floor, comments >= raters."""
    if raters < HARD_FLOOR:
        raise FeedbackRuleError(
            f"UPSWING_FEEDBACK_MIN_RATERS={raters} is below the hard floor of {HARD_FLOOR} raters."
        )
    if comments < raters:
        raise FeedbackRuleError(
            f"UPSWING_FEEDBACK_MIN_COMMENTERS={comments} is below "
            f"UPSWING_FEEDBACK_MIN_RATERS={raters}; comments need at least as many raters."
        )
    return Thresholds(raters, comments)


def cycle_thresholds(site: Thresholds, raters: int | None, comments: int | None) -> Thresholds:
    """A cycle may raise the site's thresholds, never lower them."""
    r = max(site.raters, raters or 0, HARD_FLOOR)
    return Thresholds(r, max(site.comments, comments or 0, r))


# --- questions ----------------------------------------------------------------------------------


class QuestionKind(enum.StrEnum):
    RATING = "rating"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class RatingScale:
    low: int
    high: int
    labels: tuple[str, ...] = ()

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.low, self.high + 1))

    def label(self, point: int) -> str:
        if self.labels:
            return f"{point} {self.labels[point - self.low]}"
        return str(point)


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str
    kind: QuestionKind
    scale: RatingScale | None = None

    def to_dict(self) -> dict:
        out: dict = {"key": self.key, "text": self.text, "kind": self.kind.value}
        if self.scale is not None:
            out["scale"] = {
                "low": self.scale.low,
                "high": self.scale.high,
                "labels": list(self.scale.labels),
            }
        return out


def parse_questions(data: object) -> tuple[Question, ...]:
    """Questions from stored or submitted data; FeedbackRuleError names the question and field."""
    if not isinstance(data, list) or not data:
        raise FeedbackRuleError("A template needs a list of at least one question.")
    if len(data) > MAX_QUESTIONS:
        raise FeedbackRuleError(f"A template holds at most {MAX_QUESTIONS} questions.")
    questions, keys = [], set()
    for number, item in enumerate(data, start=1):
        question = _parse_question(number, item)
        if question.key in keys:
            raise FeedbackRuleError(f"Question {number}: the key {question.key!r} is used twice.")
        keys.add(question.key)
        questions.append(question)
    return tuple(questions)


def _parse_question(number: int, item: object) -> Question:
    where = f"Question {number}"
    if not isinstance(item, Mapping):
        raise FeedbackRuleError(f"{where}: expected an object with key, text and kind.")
    key, text = str(item.get("key", "")).strip(), str(item.get("text", "")).strip()
    if not key or not key.replace("_", "").isalnum() or len(key) > 40:
        raise FeedbackRuleError(f"{where}: key must be 1-40 letters, digits or underscores.")
    if not text:
        raise FeedbackRuleError(f"{where}: the question text is empty.")
    try:
        kind = QuestionKind(item.get("kind", ""))
    except ValueError:
        raise FeedbackRuleError(f"{where}: kind must be 'rating' or 'text'.") from None
    if kind == QuestionKind.TEXT:
        return Question(key, text, kind)
    return Question(key, text, kind, _parse_scale(where, item.get("scale")))


def _parse_scale(where: str, raw: object) -> RatingScale:
    if not isinstance(raw, Mapping):
        raise FeedbackRuleError(f"{where}: a rating question needs a scale with low and high.")
    low, high = raw.get("low"), raw.get("high")
    if not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool):
        raise FeedbackRuleError(f"{where}: the scale's low and high must be whole numbers.")
    if not 2 <= high - low + 1 <= MAX_SCALE_POINTS:
        raise FeedbackRuleError(
            f"{where}: a scale has 2 to {MAX_SCALE_POINTS} points, not {high - low + 1}."
        )
    labels = tuple(str(x).strip() for x in raw.get("labels") or ())
    if labels and len(labels) != high - low + 1:
        raise FeedbackRuleError(
            f"{where}: {len(labels)} labels for a scale of {high - low + 1} points."
        )
    return RatingScale(low, high, labels)


def clean_answers(questions: Sequence[Question], raw: Mapping[str, object]) -> dict[str, object]:
    """The answers kept for one sheet: ratings on their scale, trimmed text; skips allowed."""
    out: dict[str, object] = {}
    for q in questions:
        value = raw.get(q.key)
        if value is None or value == "":
            continue
        if q.kind == QuestionKind.TEXT:
            text = str(value).strip()[:2000]
            if text:
                out[q.key] = text
            continue
        try:
            point = int(value)
        except (TypeError, ValueError):
            raise FeedbackRuleError(f"{q.text!r}: {value!r} is not a point on the scale.") from None
        if point not in q.scale.points:
            raise FeedbackRuleError(
                f"{q.text!r}: {point} is outside the scale {q.scale.low}-{q.scale.high}."
            )
        out[q.key] = point
    if not out:
        raise FeedbackRuleError("Answer at least one question before sending.")
    return out


# --- results ------------------------------------------------------------------------------------


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


# --- continuous anonymous notes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """Anonymous notes released together once the month `closes_in` has ended."""

    closes_in: dt.date  # first day of the month whose end released the batch
    months: tuple[dt.date, ...]
    size: int


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def released_batches(
    counts: Mapping[dt.date, int], today: dt.date, minimum: int
) -> tuple[Batch, ...]:
    """Whole batches of at least `minimum` anonymous notes from ended months, oldest first.

    A month joins the pending pile when it ends; the pile is released as one batch as soon as
    it holds `minimum` notes. Later notes never change an earlier batch (the notes of a month
    are all known once it has ended), so two time windows differ by whole batches only.
    """
    current = month_of(today)
    batches, months, pending = [], [], 0
    for month in sorted(m for m in counts if m < current):
        if counts[month] <= 0:
            continue
        months.append(month)
        pending += counts[month]
        if pending >= minimum:
            batches.append(Batch(month, tuple(months), pending))
            months, pending = [], 0
    return tuple(batches)


def batches_in_window(
    batches: Iterable[Batch], start: dt.date | None, end: dt.date | None
) -> tuple[Batch, ...]:
    """The batches whose release month lies in [start, end]: a window never splits a batch."""
    return tuple(
        b
        for b in batches
        if (start is None or b.closes_in >= month_of(start))
        and (end is None or b.closes_in <= month_of(end))
    )
