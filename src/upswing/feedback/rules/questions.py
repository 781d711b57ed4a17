"""A feedback cycle's questions as data, and a rater's answers checked against them."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from upswing.feedback.rules import FeedbackRuleError

MAX_QUESTIONS = 30
MAX_SCALE_POINTS = 11


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
