"""The table layer's pure rules: state from the URL, filter, sort, page, hostile parameters."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from upswing.tables.rules.table import (
    MAX_PARAM,
    PAGE_SIZES,
    Column,
    TableSpec,
    TableState,
    all_rows,
    apply_state,
    parse_state,
    sort_key,
)

SPEC = TableSpec(
    name="people",
    title="People",
    columns=(
        Column("name", "Name"),
        Column("score", "Score", numeric=True),
        Column("since", "Since"),
        Column("note", "Note", sortable=False),
    ),
    default_sort="name",
    page_size=25,
)
ROWS = [
    {"name": "bea", "score": 3.0, "since": dt.date(2026, 1, 5), "note": "x"},
    {"name": "Ada", "score": None, "since": dt.date(2025, 3, 1), "note": "y"},
    {"name": "carl", "score": 10.0, "since": None, "note": "team north"},
    {"name": "dora", "score": -2.0, "since": dt.date(2026, 2, 1), "note": "team south"},
]


def names(rows):
    return [r["name"] for r in rows]


def test_it_reads_sort_search_page_and_size():
    state = parse_state(SPEC, {"sort": "-score", "q": " team  ", "page": "2", "per": "50"})
    assert state == TableState("score", True, "team", 2, 50, ())


def test_it_defaults_to_the_declared_sort():
    state = parse_state(SPEC, {})
    assert (state.sort, state.descending, state.page, state.per_page) == ("name", False, 1, 25)


def test_a_bad_sort_key_falls_back_with_a_note():
    state = parse_state(SPEC, {"sort": "password"})
    assert state.sort == "name"
    assert "not a column" in state.notes[0]
    assert "name, score, since" in state.notes[0]


def test_an_unsortable_column_is_refused():
    state = parse_state(SPEC, {"sort": "-note"})
    assert state.sort == "name"
    assert state.notes


def test_hostile_pages_and_sizes_fall_back():
    for page in ("-1", "0", "abc", "1e9", "9" * 40, "NaN", "２"):
        state = parse_state(SPEC, {"page": page})
        assert state.page == 1, page
        assert state.notes, page
    for per in ("7", "100000", "-25", "x"):
        state = parse_state(SPEC, {"per": per})
        assert state.per_page == 25, per
        assert state.notes, per


def test_a_long_search_is_cut_and_control_characters_dropped():
    state = parse_state(SPEC, {"q": "a\x00b" + "z" * 500})
    assert len(state.query) == MAX_PARAM
    assert "\x00" not in state.query
    assert "cut" in state.notes[0]


def test_sort_is_case_blind_and_empty_values_go_last_both_ways():
    up = all_rows(SPEC, TableState("score", False), ROWS)
    down = all_rows(SPEC, TableState("score", True), ROWS)
    assert names(up) == ["dora", "bea", "carl", "Ada"]
    assert names(down) == ["carl", "bea", "dora", "Ada"]
    assert names(all_rows(SPEC, TableState("name", False), ROWS)) == ["Ada", "bea", "carl", "dora"]
    assert names(all_rows(SPEC, TableState("since", True), ROWS))[-1] == "carl"


def test_a_column_ranking_by_tuples_sorts_item_by_item():
    rows = [{"name": n, "score": rank} for n, rank in (("a", (1, -0.5)), ("b", (0, -0.1)))]
    rows += [{"name": "c", "score": (0, -0.3)}, {"name": "d", "score": None}]
    assert names(all_rows(SPEC, TableState("score", False), rows)) == ["c", "b", "a", "d"]
    assert names(all_rows(SPEC, TableState("score", True), rows)) == ["a", "b", "c", "d"]


def test_search_needs_every_word_in_some_column():
    assert names(all_rows(SPEC, TableState("name", query="team"), ROWS)) == ["carl", "dora"]
    assert names(all_rows(SPEC, TableState("name", query="TEAM south"), ROWS)) == ["dora"]
    assert all_rows(SPEC, TableState("name", query="nobody"), ROWS) == []


def test_a_page_past_the_end_shows_the_last_page_with_a_note():
    rows = [{"name": f"n{i:03d}", "score": i} for i in range(60)]
    got = apply_state(SPEC, TableState("name", page=9, per_page=25), rows)
    assert (got.page, got.pages, got.total, len(got.rows)) == (3, 3, 60, 10)
    assert "3 pages" in got.notes[0]


def test_an_empty_table_has_one_empty_page():
    got = apply_state(SPEC, TableState("name"), [])
    assert (got.page, got.pages, got.total, got.rows) == (1, 1, 0, ())


@given(st.dictionaries(st.sampled_from(["sort", "q", "page", "per", "x"]), st.text(max_size=300)))
def test_no_query_string_breaks_the_parser(params):
    state = parse_state(SPEC, params)
    assert state.page >= 1
    assert state.per_page in PAGE_SIZES
    assert state.sort in {"name", "score", "since"}
    assert len(state.query) <= MAX_PARAM


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(),
            st.floats(),
            st.text(max_size=5),
            st.dates(),
            st.tuples(st.integers(0, 5), st.floats(allow_nan=False)),
        ),
        max_size=30,
    ),
    st.booleans(),
)
def test_any_mix_of_values_sorts_and_keeps_every_row(values, descending):
    rows = [{"name": v} for v in values]
    got = all_rows(SPEC, TableState("name", descending), rows)
    assert sorted(map(id, got)) == sorted(map(id, rows))
    keys = [sort_key(r["name"]) for r in got]
    present = [k for k in keys if k is not None]
    assert present == sorted(present, reverse=descending)
    assert all(k is None for k in keys[len(present) :])
