"""What a search box's text means: up to five words, each matched in a name or an id."""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SearchTerms:
    text: str  # the search as kept (cleaned, cut)
    words: tuple[str, ...]
    note: str = ""

    @property
    def ready(self) -> bool:
        return bool(self.words)


def search_terms(raw: str) -> SearchTerms:
    """The words to look for; too short or empty gives no words and says why."""
    text = " ".join(_CONTROL.sub(" ", raw or "").split())[:MAX_LENGTH]
    if not text:
        return SearchTerms("", ())
    if len(text) < MIN_LENGTH:
        return SearchTerms(text, (), f"Type at least {MIN_LENGTH} characters to search.")
    words = tuple(dict.fromkeys(w.casefold() for w in text.split()))
    note = ""
    if len(words) > MAX_WORDS:
        note = f"Only the first {MAX_WORDS} words were used."
        words = words[:MAX_WORDS]
    return SearchTerms(text, words, note)
