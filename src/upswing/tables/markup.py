"""Cells that several tables share, written as HTML once: the pages' templates use them
through the `table_cells` filters, and rows built in Python (`scorecards.children`) call them."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from upswing.tables.rules.deltas import Delta


def delta_markup(delta: Delta | None) -> SafeString:
    """A change from the period before: its arrow for the eye and its words."""
    if not delta:
        return format_html('<span class="muted">{}</span>', "—")
    arrow = format_html('<span aria-hidden="true">{}</span> ', delta.arrow) if delta.arrow else ""
    return format_html(
        '<span class="delta delta-{} delta-{}">{}{}</span>',
        delta.verdict, delta.trend, arrow, delta.words,
    )  # fmt: skip
