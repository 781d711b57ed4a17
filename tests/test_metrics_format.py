"""One formatter for every metric value: pages, the CLI, findings' reasons and documents."""

from __future__ import annotations

import pytest

from upswing.clitools import format_value as cli_format_value
from upswing.findings.rules import wording
from upswing.metrics import format_value
from upswing.plans.rules import measures


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [
        ("fcr", 78.0, "78.0%"),
        ("fcr", 77.96, "78.0%"),
        ("aht", 412.6, "413 s"),
        ("volume", 12345.0, "12,345"),
        ("csat_score", 4.236, "4.24"),
        ("nps", 12.5, "12.50"),
    ],
)
def test_a_value_reads_the_same_everywhere(metric, value, text):
    assert format_value(metric, value) == text
    assert cli_format_value(metric, value) == text
    assert wording.value(metric, value) == text
    assert measures.fmt(metric, value) == text


def test_a_missing_value_says_so_in_the_callers_words():
    assert format_value("fcr", None) == "—"
    assert wording.value("fcr", None) == "no value"
