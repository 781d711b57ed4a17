"""The one way SQL text is quoted: identifiers in double quotes, strings in single quotes.

Every piece of SQL the code writes as text (the import's staged views, the upsert) quotes
names and values through these two, doubling the quote character inside; values the user
typed never reach SQL any other way. Pure: no Django, no database.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier: `order` → `"order"`, `a"b` → `"a""b"`."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A quoted string literal: `O'Hara` → `'O''Hara'`."""
    return "'" + text.replace("'", "''") + "'"
