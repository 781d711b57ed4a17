"""The anonymity rules, over generated cycles: no filter, total or difference of two views
isolates a group below its threshold; batches of anonymous notes never split."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upswing.feedback import rules
from upswing.feedback.defaults import CORE_QUESTIONS
from upswing.feedback.rules import (
    ANONYMOUS_GROUPS,
    FeedbackRuleError,
    RaterGroup,
    Thresholds,
)
from upswing.feedback.rules import batches as batch_rules
from upswing.feedback.rules import questions as question_rules
from upswing.feedback.rules import results as result_rules

QUESTIONS = question_rules.parse_questions(CORE_QUESTIONS)
RATING_KEYS = [q.key for q in QUESTIONS if q.kind == question_rules.QuestionKind.RATING]
TEXT_KEYS = [q.key for q in QUESTIONS if q.kind == question_rules.QuestionKind.TEXT]
ALL_FILTERS = [None] + [
    list(combo)
    for size in range(1, 3)
    for combo in itertools.combinations([*[g.value for g in RaterGroup], "pool", "all"], size)
]


@st.composite
def sheets(draw):
    out = []
    for group in RaterGroup:
        top = 1 if group in (RaterGroup.SELF, RaterGroup.MANAGER) else 12
        for _ in range(draw(st.integers(0, top))):
            answers = {}
            for key in RATING_KEYS:
                if draw(st.booleans()) or draw(st.booleans()):
                    answers[key] = draw(st.integers(1, 5))
            for key in TEXT_KEYS:
                if draw(st.booleans()):
                    answers[key] = draw(st.sampled_from(["Calm.", "Helps me.", "Be on time."]))
            out.append(result_rules.Sheet(group, answers))
    return out


thresholds = st.integers(3, 8).flatmap(lambda r: st.integers(r, 10).map(lambda c: Thresholds(r, c)))


def _sizes(sheets_, key):
    return {
        g.value: sum(1 for s in sheets_ if s.group == g and key in s.answers) for g in RaterGroup
    }


def _views(sheets_, limits):
    """Every cell of every filtered view, with the groups inside it."""
    for groups in ALL_FILTERS:
        result = result_rules.summarise(QUESTIONS, sheets_, limits, groups=groups)
        for q in result.questions:
            for item in (*q.cells, *q.comments):
                yield q.question, item


@settings(max_examples=100, deadline=None)
@given(sheets(), thresholds)
def test_no_view_shows_an_anonymous_group_below_its_threshold(sheets_, limits):
    for question, item in _views(sheets_, limits):
        if item.privacy != rules.Privacy.ANONYMOUS or not item.shown:
            if not item.shown:
                assert getattr(item, "n", None) is None
                assert not getattr(item, "comments", ())
                assert getattr(item, "distribution", None) is None
            continue
        minimum = limits.raters if question.kind == "rating" else limits.comments
        sizes = _sizes(sheets_, question.key)
        inside = sum(sizes[g] for g in item.members)
        assert inside >= minimum
        if question.kind == "rating":
            assert item.n == inside == sum(item.distribution)


@settings(max_examples=100, deadline=None)
@given(sheets(), thresholds)
def test_no_combination_of_views_isolates_a_small_group(sheets_, limits):
    """Complementary suppression: the released cells of all filters, as sets of groups, span
    no small group on its own (so no sum or difference of shown numbers reveals one)."""
    index = {g.value: i for i, g in enumerate(ANONYMOUS_GROUPS)}
    for question in QUESTIONS:
        minimum = limits.raters if question.kind == "rating" else limits.comments
        sizes = _sizes(sheets_, question.key)
        vectors = set()
        for q, item in _views(sheets_, limits):
            if q.key == question.key and item.shown and item.privacy == rules.Privacy.ANONYMOUS:
                vector = [0] * len(index)
                for g in item.members:
                    if sizes[g]:
                        vector[index[g]] = 1
                vectors.add(tuple(vector))
        if not vectors:
            continue
        released = np.array(sorted(vectors))
        rank = np.linalg.matrix_rank(released)
        for group, i in index.items():
            if 0 < sizes[group] < minimum:
                unit = np.zeros(len(index))
                unit[i] = 1
                assert np.linalg.matrix_rank(np.vstack([released, unit])) > rank, (
                    f"{group} ({sizes[group]} answers) is derivable from the shown cells"
                )


@settings(max_examples=60, deadline=None)
@given(sheets(), thresholds)
def test_comments_come_out_in_an_order_that_ignores_when_they_were_given(sheets_, limits):
    reordered = list(reversed(sheets_))
    one = result_rules.summarise(QUESTIONS, sheets_, limits, salt="s").to_dict()
    other = result_rules.summarise(QUESTIONS, reordered, limits, salt="s").to_dict()
    assert one == other


def test_a_hand_worked_cycle():
    """Peers 5 (shown), direct reports 2 and others 3 (pooled: 5), threshold 5."""
    q = QUESTIONS[0]
    peers = [result_rules.Sheet(RaterGroup.PEER, {q.key: v}) for v in (5, 4, 4, 3, 5)]
    reports = [result_rules.Sheet(RaterGroup.DIRECT_REPORT, {q.key: v}) for v in (1, 2)]
    others = [result_rules.Sheet(RaterGroup.OTHER, {q.key: v}) for v in (3, 3, 4)]
    result = result_rules.summarise([q], peers + reports + others, Thresholds(5, 7))
    cells = {c.key: c for c in result.questions[0].cells}
    assert cells["peer"].n == 5
    assert cells["peer"].mean == 4.2
    assert cells["peer"].distribution == (0, 0, 1, 2, 2)
    assert not cells["direct_report"].shown
    assert not cells["other"].shown
    assert cells["pool"].n == 5
    assert cells["pool"].mean == 2.6
    assert cells["all"].n == 10
    assert cells["all"].mean == 3.4
    # Without the pool reaching 5, the small groups are left out of "all".
    result = result_rules.summarise([q], peers + reports, Thresholds(5, 7))
    cells = {c.key: c for c in result.questions[0].cells}
    assert "pool" not in cells
    assert cells["all"].n == 5
    assert cells["all"].mean == 4.2


def test_filters_only_pick_released_cells():
    q = QUESTIONS[0]
    sheets_ = [result_rules.Sheet(RaterGroup.PEER, {q.key: 4})] * 5 + [
        result_rules.Sheet(RaterGroup.OTHER, {q.key: 1})
    ]
    whole = result_rules.summarise([q], sheets_, Thresholds(5, 7))
    only_others = result_rules.summarise([q], sheets_, Thresholds(5, 7), groups=["other", "all"])
    by_key = {c.key: c for c in whole.questions[0].cells}
    assert [c.to_dict() for c in only_others.questions[0].cells] == [
        by_key["other"].to_dict(),
        by_key["all"].to_dict(),
    ]
    assert by_key["all"].n == 5  # the lone "other" answer is in no total


@pytest.mark.parametrize(
    ("raters", "comments", "message"),
    [(2, 7, "hard floor of 3"), (5, 4, "below UPSWING_FEEDBACK_MIN_RATERS=5")],
)
def test_site_thresholds_refuse_going_below_the_floor(raters, comments, message):
    with pytest.raises(FeedbackRuleError, match=message):
        rules.site_thresholds(raters, comments)


@given(st.integers(3, 20), st.integers(3, 20), st.integers(0, 30), st.integers(0, 30))
def test_a_cycle_only_raises_thresholds(site_r, extra, cycle_r, cycle_c):
    site = Thresholds(site_r, site_r + extra)
    got = rules.cycle_thresholds(site, cycle_r or None, cycle_c or None)
    assert got.raters >= site.raters
    assert got.comments >= site.comments
    assert got.comments >= got.raters >= rules.HARD_FLOOR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "at least one question"),
        ([{"key": "a", "text": "A?", "kind": "rating"}], "Question 1: a rating question needs"),
        ([{"key": "a", "text": "A?", "kind": "rating", "scale": {"low": 1, "high": 1}}], "2 to"),
        ([{"key": "a", "text": "A?", "kind": "text"}] * 2, "used twice"),
        ([{"key": "a b", "text": "A?", "kind": "text"}], "key must be"),
        ([{"key": "a", "text": "A?", "kind": "essay"}], "kind must be"),
    ],
)
def test_bad_templates_say_where_and_why(data, message):
    with pytest.raises(FeedbackRuleError, match=message):
        question_rules.parse_questions(data)


def test_answers_off_the_scale_are_refused():
    with pytest.raises(FeedbackRuleError, match="outside the scale 1-5"):
        question_rules.clean_answers(QUESTIONS, {"listens": 6})
    with pytest.raises(FeedbackRuleError, match="at least one question"):
        question_rules.clean_answers(QUESTIONS, {"listens": "", "keep": "  "})
    assert question_rules.clean_answers(QUESTIONS, {"listens": "4", "keep": " Calm "}) == {
        "listens": 4,
        "keep": "Calm",
    }


# --- anonymous notes in batches ---------------------------------------------------------------

months = st.dictionaries(
    st.integers(0, 23).map(lambda i: dt.date(2025 + i // 12, i % 12 + 1, 1)),
    st.integers(0, 9),
    max_size=24,
)


@settings(max_examples=200, deadline=None)
@given(months, st.integers(3, 10), st.integers(0, 26))
def test_batches_are_whole_large_and_never_change_later(counts, minimum, today_index):
    today = dt.date(2025 + today_index // 12, today_index % 12 + 1, 15)
    batches = batch_rules.released_batches(counts, today, minimum)
    assert all(b.size >= minimum for b in batches)
    assert all(b.size == sum(counts[m] for m in b.months) for b in batches)
    assert all(m < batch_rules.month_of(today) for b in batches for m in b.months)
    released = [m for b in batches for m in b.months]
    assert len(released) == len(set(released))
    # A later day (with the same history) keeps every batch released before as it was.
    later = batch_rules.released_batches(counts, today + dt.timedelta(days=62), minimum)
    assert later[: len(batches)] == batches


@settings(max_examples=200, deadline=None)
@given(months, st.integers(3, 10), st.integers(0, 23), st.integers(0, 23))
def test_time_windows_differ_by_whole_batches(counts, minimum, a, b):
    today = dt.date(2027, 1, 15)
    batches = batch_rules.released_batches(counts, today, minimum)
    start, end = sorted(
        [dt.date(2025 + a // 12, a % 12 + 1, 1), dt.date(2025 + b // 12, b % 12 + 1, 28)]
    )
    inner = set(batch_rules.batches_in_window(batches, start, end))
    outer = set(batch_rules.batches_in_window(batches, None, None))
    assert inner <= outer
    assert all(x.size >= minimum for x in outer - inner)
