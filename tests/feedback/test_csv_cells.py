"""The results CSV (the API's and the CLI's download) neutralises formulas by the same rule
as every table export: a tab, a carriage return, spaces or a full-width sign before one too."""

from __future__ import annotations

import pytest

from upswing.feedback.queries import _safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1", "＝1", "＠x"]
)
def test_a_comment_that_would_run_is_written_as_text(text):
    assert _safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Great coaching", "4.5 of 5", 3, None])
def test_other_values_are_left_as_they_are(value):
    assert _safe_cell(value) == value
