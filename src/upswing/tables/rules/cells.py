"""Export cells and file names that are safe to open.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one)
as a formula; text that starts so is written with a leading apostrophe, which spreadsheets
show as text (OWASP's advice on CSV injection). Full-width look-alikes are treated the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 150


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip(" \u00a0").startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as written, never runs."""
    return "'" + text if is_formula_like(text) else text


def csv_cell(value: Any) -> str:
    """Every CSV cell is text: numbers too (a negative number is quoted as text, so a file
    never holds a cell that starts with a minus)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:g}"
    elif isinstance(value, dt.datetime):
        value = value.isoformat(sep=" ", timespec="seconds")
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    """Numbers and dates stay typed (a typed number is never a formula); text is neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


def slug(text: str) -> str:
    return _UNSAFE_NAME.sub("-", text).strip("-._")[:40]


def export_filename(name: str, filters: Iterable[tuple[str, str]], fmt: str, on: dt.date) -> str:
    """`coaching-queue_sort-name_q-smith_2026-12-03.csv`: the table, each filter, the day."""
    parts = [slug(name) or "table"]
    for key, value in filters:
        if value:
            parts.append(f"{slug(key)}-{slug(value)}".strip("-"))
    parts.append(on.isoformat())
    stem = "_".join(p for p in parts if p)
    return f"{stem[:MAX_NAME]}.{fmt}"
