"""The shapes of a start page: items of work in sections, sections in a role's group.

Pure: no Django. The badge's count is the sum of the sections that are open work.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    url: str
    detail: str = ""
    status: str = ""  # a status code for the status style (below_sla, on_target, ...)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    count: int
    items: tuple[Item, ...]
    empty: str
    more_url: str = ""
    more_label: str = ""
    counted: bool = True  # open work (the navigation's badge); False for a summary or a link
    note: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """The sections of one role the user holds."""

    role: str
    title: str
    sections: tuple[Section, ...]


@dataclass(slots=True)
class Work:
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(s.count for g in self.groups for s in g.sections if s.counted)

    @property
    def summary(self) -> str:
        """What the badge counts, in words."""
        parts = [
            f"{s.title[:1].lower()}{s.title[1:]}: {s.count}"
            for g in self.groups
            for s in g.sections
            if s.counted and s.count
        ]
        return "; ".join(dict.fromkeys(parts)) or "nothing open"
