"""Export cells never open as formulas; file names carry the filters and nothing unsafe."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.tables.rules.cells import (
    FORMULA_STARTS,
    csv_cell,
    export_filename,
    neutralise,
    xlsx_cell,
)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "  =1+1",
    "＝1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_written_as_text(text):
    assert neutralise(text) == "'" + text
    assert csv_cell(text).startswith("'")
    assert xlsx_cell(text).startswith("'")


def test_plain_values_are_kept():
    assert neutralise("Alice Anders") == "Alice Anders"
    assert csv_cell(None) == ""
    assert xlsx_cell(None) is None
    assert csv_cell(3.5) == "3.5"
    assert xlsx_cell(-3.5) == -3.5  # a typed number is never a formula
    assert csv_cell(-3) == "'-3"  # a CSV cell never starts with a minus
    assert xlsx_cell(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


@given(st.text(max_size=40))
def test_no_csv_cell_starts_like_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert not cell.lstrip(" \u00a0").startswith(FORMULA_STARTS)


def test_the_file_name_holds_the_table_the_filters_and_the_day():
    name = export_filename(
        "coaching-queue",
        [("sort", "-agent"), ("q", "Ann Lee"), ("empty", "")],
        "csv",
        dt.date(2026, 12, 3),
    )
    assert name == "coaching-queue_sort-agent_q-Ann-Lee_2026-12-03.csv"


@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60)), max_size=8))
def test_file_names_are_safe_whatever_the_filters(filters):
    name = export_filename("t", filters, "xlsx", dt.date(2026, 1, 1))
    assert name.endswith(".xlsx")
    assert len(name) <= 160
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
