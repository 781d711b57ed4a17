"""What other features give the findings, registered from their `AppConfig.ready()`, so that
findings import none of them (coaching reads findings, not the other way round):

- the coaching history the diagnosis's ladder reads (`register_coaching_history`): coaching
  registers the agents' sessions as the rules' `CoachingRecord`s;
- the panels of a finding's page (`register_finding_panel`): links in its header and a
  section under the evidence, each built by its feature through its own doors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from upswing.findings.rules import CoachingRecord

# (agent codes, sessions from this aware datetime on, the program's zone) -> the records.
CoachingHistory = Callable[[Sequence[str], dt.datetime, ZoneInfo], tuple[CoachingRecord, ...]]

_COACHING_HISTORY: CoachingHistory | None = None


def register_coaching_history(history: CoachingHistory) -> None:
    """Say which feature function reads the agents' coaching for the diagnosis."""
    global _COACHING_HISTORY
    _COACHING_HISTORY = history


def coaching_history(
    agents: Sequence[str], since: dt.datetime, tz: ZoneInfo
) -> tuple[CoachingRecord, ...]:
    if _COACHING_HISTORY is None:
        raise LookupError("no installed feature gives the diagnosis its coaching history")
    return _COACHING_HISTORY(agents, since, tz)


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Panel:
    """A feature's part of a finding's page: `links` in the page's header, and a section
    rendered from `template` (with the page's context and `panel`; its data in `context`)."""

    links: tuple[Link, ...] = ()
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)


# (user, finding, the finding's agent when the user may see them) -> a panel, or None.
FindingPanel = Callable[[Any, Any, Any], Panel | None]

_PANELS: list[FindingPanel] = []


def register_finding_panel(panel: FindingPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def finding_panels(user, finding, agent) -> list[Panel]:
    """The registered panels for this page, in the order their apps are installed."""
    return [p for p in (build(user, finding, agent) for build in _PANELS) if p is not None]
