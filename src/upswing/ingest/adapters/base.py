"""What every source adapter shares: the error, the adapter record, locating a record,
reading JSON / JSON Lines, formatting canonical text values and building the table.

An adapter turns one export file into a `pyarrow.Table` of canonical columns
(`upswing.ingest.kinds`), every column `pa.string()` plus `_line` (`pa.int64()`, the
1-based record number in the source). Rows an adapter deliberately leaves out (an
unassigned ticket, a survey that was offered but not answered, an older copy of a
record) are counted by reason in the table's schema metadata: read them back with
`skipped_count(table)` and `skipped_reasons(table)`.

No django, no ibis here: pyarrow and the standard library only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from upswing.ingest.kinds import get_kind

LINE_COLUMN = "_line"
SKIPPED_KEY = b"upswing.skipped"
SKIPPED_REASONS_KEY = b"upswing.skipped_reasons"

Row = dict[str, str | None]
Unwrap = Callable[[Any, "Where"], list[tuple[int, Any]]]


class AdapterError(ValueError):
    """A source file an adapter cannot turn into canonical rows.

    The message names the file, the record (1-based) and the field, e.g.
    "tickets.json: record 3 (id 42): created_at 'yesterday' is not an ISO 8601 timestamp".
    """


@dataclass(frozen=True, slots=True)
class Adapter:
    name: str  # also the default `source` of the rows
    kinds: frozenset[str]
    read: Callable[[Path, str], pa.Table]


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value came from, for error messages: file, record or line, record id."""

    file: str
    unit: str = "record"  # "record" (JSON array index + 1) or "line" (JSON Lines, CSV)
    number: int | None = None
    record_id: str | None = None
    id_label: str = "id"

    def at(self, number: int, unit: str | None = None) -> Where:
        return replace(self, number=number, unit=unit or self.unit, record_id=None)

    def with_id(self, record_id: str) -> Where:
        return replace(self, record_id=record_id)

    def describe(self) -> str:
        text = self.file if self.number is None else f"{self.file}: {self.unit} {self.number}"
        if self.record_id is not None:
            text += f" ({self.id_label} {self.record_id})"
        return text

    def error(self, field: str, problem: str) -> AdapterError:
        return AdapterError(f"{self.describe()}: {field} {problem}")

    def fail(self, problem: str) -> AdapterError:
        return AdapterError(f"{self.describe()}: {problem}")


@dataclass(frozen=True, slots=True)
class JsonRecord:
    where: Where
    value: dict[str, Any]


# --- reading -----------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file as text (UTF-8, a byte-order mark tolerated)."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdapterError(f"{Path(path).name}: not UTF-8 text (byte {exc.start})") from None


def read_json_records(path: Path, unwrap: Unwrap) -> list[JsonRecord]:
    """Records of a JSON document (through `unwrap`) or of a JSON Lines file (one per line).

    `unwrap(document, where)` returns (1-based record number, record) pairs or raises
    AdapterError for a shape it does not know.
    """
    where = Where(Path(path).name)
    text = read_text(path)
    if not text.strip():
        raise where.fail("the file is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # more than one document: JSON Lines
            return _json_lines(text, where)
        problem = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise where.fail(problem) from None
    pairs = unwrap(document, where)
    return [_as_record(value, where.at(number)) for number, value in pairs]


def _json_lines(text: str, where: Where) -> list[JsonRecord]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        line_where = where.at(number, "line")
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise line_where.fail(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
        records.append(_as_record(value, line_where))
    return records


def _as_record(value: Any, where: Where) -> JsonRecord:
    if not isinstance(value, dict):
        raise where.fail(f"expected a JSON object, got {json_type(value)}")
    return JsonRecord(where, value)


def json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def numbered(items: list[Any], where: Where, key: str) -> list[tuple[int, Any]]:
    """(index + 1, item) for a JSON array found under `key` (or at the top level)."""
    if not isinstance(items, list):
        raise where.fail(f"{key} should be an array, got {json_type(items)}")
    return list(enumerate(items, start=1))


# --- canonical text values ----------------------------------------------------------------


def record_id(value: Any, where: Where, field: str) -> str:
    """A mandatory source id (int or non-empty string) as text; AdapterError otherwise."""
    if isinstance(value, bool) or value is None or value == "":
        raise where.error(field, "is missing" if value in (None, "") else "is not an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise where.error(field, f"{value!r} is not an id")


def optional_text(value: Any) -> str | None:
    """A free-text or id value as text; None for null or blank."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def timestamp_text(value: Any, where: Where, field: str, *, naive_is_utc: bool) -> str | None:
    """An ISO 8601 timestamp normalised to `YYYY-MM-DDTHH:MM:SS[.fff][+HH:MM]`.

    With `naive_is_utc` a timestamp without offset is taken as UTC (API payloads);
    otherwise it stays without offset (read later in the program's time zone).
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise where.error(field, f"{value!r} is not an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise where.error(field, f"{value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None and naive_is_utc:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec=_timespec(moment))


def _timespec(moment: datetime) -> str:
    if moment.microsecond == 0:
        return "seconds"
    return "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"


def decimal_text(number: Decimal) -> str:
    """A finite Decimal as plain decimal text without exponent or trailing zeros."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def json_number(value: Any, where: Where, field: str) -> Decimal:
    """A JSON number as an exact Decimal; AdapterError for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise where.error(field, f"{value!r} is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise where.error(field, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise where.error(field, f"{value!r} is not a finite number")
    return number


def bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


# --- the table ----------------------------------------------------------------------------


def build_table(
    kind: str, columns: Iterable[str], rows: list[Row], skipped: Mapping[str, int]
) -> pa.Table:
    """The canonical table: `columns` in the kind's order, all strings, plus `_line`.

    Each row is a dict of canonical column -> text or None and `_line` -> its number.
    """
    wanted = set(columns)
    names = [name for name in get_kind(kind).names if name in wanted]
    unknown = wanted - set(names)
    if unknown:
        raise ValueError(f"not columns of {kind}: {sorted(unknown)}")
    arrays = [pa.array([row.get(name) for row in rows], type=pa.string()) for name in names]
    arrays.append(pa.array([row[LINE_COLUMN] for row in rows], type=pa.int64()))
    fields = [pa.field(name, pa.string()) for name in names]
    fields.append(pa.field(LINE_COLUMN, pa.int64()))
    reasons = {reason: count for reason, count in skipped.items() if count}
    metadata = {
        SKIPPED_KEY: str(sum(reasons.values())).encode(),
        SKIPPED_REASONS_KEY: json.dumps(reasons, sort_keys=True).encode(),
    }
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata))


def skipped_count(table: pa.Table) -> int:
    """How many source records the adapter left out on purpose (0 if not recorded)."""
    metadata = table.schema.metadata or {}
    return int(metadata.get(SKIPPED_KEY, b"0"))


def skipped_reasons(table: pa.Table) -> dict[str, int]:
    """Records left out, by reason, e.g. {"unassigned ticket": 2}."""
    metadata = table.schema.metadata or {}
    return json.loads(metadata.get(SKIPPED_REASONS_KEY, b"{}"))


def unsupported_kind(adapter: str, kind: str, kinds: Iterable[str]) -> AdapterError:
    return AdapterError(
        f"the {adapter} adapter cannot produce {kind!r}; it produces: {', '.join(sorted(kinds))}"
    )


def new_skips() -> Counter[str]:
    return Counter()
