"""What a delimited text file is written in: its encoding and its delimiter, found from the
file itself, and a reading of a file the engine refused, in our own words.

Exports come from every kind of tool: Excel's "CSV (semicolon)" in Windows-1252, "Unicode
text" in UTF-16 with tabs, UTF-8 with or without a byte-order mark. The encoding is decided
from the byte-order mark or the first 64 KiB (a later byte that is not UTF-8 makes the reader
start again in Windows-1252); the delimiter is the candidate that splits the first records
into the same number of fields, most of them.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 50
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Bytes Windows-1252 leaves undefined: a file holding one is ISO-8859-1 (Latin-1).
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


class ReadError(ValueError):
    """The file cannot be read at all (format, encoding, archive)."""


@dataclass(frozen=True, slots=True)
class Dialect:
    codec: str  # a Python codec name
    label: str  # how the report names it
    delimiter: str
    transcode: bool  # the engine reads UTF-8 only: other encodings are copied as UTF-8

    def describe(self) -> str:
        return f"{DELIMITERS[self.delimiter]}-separated, {self.label}"


_UTF8 = ("utf-8", "UTF-8", False)
_ENCODINGS = {
    "utf-8": _UTF8,
    "utf-8-sig": ("utf-8-sig", "UTF-8 with byte-order mark", False),
    "utf-16": ("utf-16", "UTF-16 with byte-order mark", True),
    "utf-16-le": ("utf-16-le", "UTF-16 (little-endian, no byte-order mark)", True),
    "utf-16-be": ("utf-16-be", "UTF-16 (big-endian, no byte-order mark)", True),
    "cp1252": ("cp1252", "Windows-1252 (Latin-1)", True),
    "latin-1": ("latin-1", "ISO-8859-1 (Latin-1)", True),
}


def sniff_text(path: Path) -> Dialect:
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        whole = len(head) < SAMPLE_BYTES
    if not head.strip():
        raise ReadError(f"{path.name}: the file is empty")
    codec, label, transcode = _ENCODINGS[_encoding(head)]
    text = _decode_sample(head, codec)
    if not whole:  # the sample may end inside a record
        text = text[: text.rfind("\n") + 1] or text
    prefer_tab = path.suffix.lower() == ".tsv"
    return Dialect(codec, label, _delimiter(text, prefer_tab=prefer_tab), transcode)


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(head) // 2 or 1
    if head[1::2].count(0) > 0.3 * pairs and head[0::2].count(0) < 0.05 * pairs:
        return "utf-16-le"
    if head[0::2].count(0) > 0.3 * pairs and head[1::2].count(0) < 0.05 * pairs:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "latin-1" if _CP1252_UNDEFINED & set(head) else "cp1252"
    return "utf-8"


def _decode_sample(head: bytes, codec: str) -> str:
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=False)


def _delimiter(text: str, *, prefer_tab: bool) -> str:
    """The candidate giving the most records of the header's width, then the widest header."""
    best, best_score = ("\t" if prefer_tab else ","), (0.0, 0, 0)
    for delimiter in DELIMITERS:
        widths = _field_counts(text, delimiter)
        if not widths or widths[0] < 2:
            continue
        agreeing = sum(w == widths[0] for w in widths) / len(widths)
        tab_bonus = 1 if prefer_tab and delimiter == "\t" else 0
        score = (round(agreeing, 2), tab_bonus, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True)
    widths = []
    try:
        for record in reader:
            if record:
                widths.append(len(record))
            if len(widths) >= SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    return widths


def as_single_byte(dialect: Dialect) -> Dialect:
    codec, label, _ = _ENCODINGS["cp1252"]
    return replace(dialect, codec=codec, label=label, transcode=True)


def transcode_to_utf8(path: Path, dialect: Dialect) -> Path:
    """A UTF-8 copy of `path` in the temporary folder (the caller deletes it). Windows-1252
    falls back to ISO-8859-1 when the file holds a byte Windows-1252 does not define."""
    fd, name = tempfile.mkstemp(prefix="upswing-text-", suffix=".csv")
    os.close(fd)
    copy = Path(name)
    codec = dialect.codec
    try:
        try:
            _copy_as_utf8(path, copy, codec)
        except UnicodeDecodeError:
            if codec != "cp1252":
                raise
            _copy_as_utf8(path, copy, "latin-1")
    except UnicodeDecodeError as exc:
        copy.unlink(missing_ok=True)
        raise ReadError(
            f"{path.name}: not valid {dialect.label} text (byte {exc.start + 1} of a block); "
            "save the file as UTF-8 and import it again"
        ) from None
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def _copy_as_utf8(path: Path, copy: Path, codec: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    with path.open("rb") as src, copy.open("w", encoding="utf-8", newline="") as out:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


def is_encoding_error(exc: Exception) -> bool:
    return "invalid unicode" in str(exc).lower()


def _records(path: Path, dialect: Dialect):
    """(line number, record) of the file, read with Python's csv module."""
    with path.open(encoding=dialect.codec, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=dialect.delimiter, quotechar='"', strict=True)
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _QuoteError(start) from exc
            yield start, record


class _QuoteError(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def check_header(path: Path, dialect: Dialect) -> None:
    """Refuse a header naming one column twice (the engine would silently rename one)."""
    try:
        header = next((record for _, record in _records(path, dialect) if record), [])
    except _QuoteError:
        return  # reported, with its line, when the file is read
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        key = name.strip().lower()
        if not key:
            continue
        if key in seen:
            raise ReadError(
                f"{path.name}: the header names the column {name.strip()!r} twice (columns "
                f"{seen[key]} and {position}); rename one and import again"
            )
        seen[key] = position


def describe_csv_failure(path: Path, dialect: Dialect) -> ReadError:
    """Why a delimited file cannot be read, found by reading it again with Python's csv
    module: the first line with the wrong number of values, or an unclosed quote."""
    how = dialect.describe()
    width = None
    try:
        for line, record in _records(path, dialect):
            if not record:
                continue
            if width is None:
                width = len(record)
            elif len(record) != width:
                return ReadError(
                    f"{path.name}: line {line} has {len(record)} values where the header has "
                    f"{width} (read as {how}); check the delimiter and the quoting"
                )
    except _QuoteError as problem:
        return ReadError(
            f"{path.name}: line {problem.line}: a quoted value is not closed, or text follows "
            f'its closing quote (read as {how}); a quote inside a value is written ""'
        )
    return ReadError(
        f"{path.name}: cannot be read as {how} text; check that it is a delimited text file "
        "with a header row and the same number of values on every line"
    )
