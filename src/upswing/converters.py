"""The `code` path converter: any program, team or agent id fits in one URL segment.

Ids come from the customer's exports and may hold any character. `reverse()` percent-encodes
most of them, but a web server decodes `%2F` back into `/` before Django routes the path, so
an id with a slash (or one that is just `.` or `..`, which browsers collapse) would not
match its own pattern: pages answered 500 (NoReverseMatch) for everyone. This converter
writes those characters as `~XX` (hex) and reads them back; `~` itself is escaped the same
way, so every id round-trips. Control characters (NUL included) never name a record: such
a URL is not found (404), never a database error.
"""

from __future__ import annotations

import re

from django.urls import register_converter

_ESCAPED = re.compile(r"~([0-9A-F]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def encode_code(value: str) -> str:
    out = value.replace("~", "~7E").replace("/", "~2F").replace("\\", "~5C")
    if out and set(out) == {"."}:
        out = out.replace(".", "~2E")
    return out


def decode_code(value: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)


class CodeConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        code = decode_code(value)
        if _CONTROL.search(code):
            raise ValueError("a control character is never part of an id")
        return code

    def to_url(self, value: str) -> str:
        return encode_code(str(value))


register_converter(CodeConverter, "code")
