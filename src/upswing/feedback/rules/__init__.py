"""Pure 360-feedback decisions: questions as data, who rates in which capacity, and what may be
shown without exposing a rater.

No Django, no Ibis: plain values in, frozen dataclasses out. The same functions decide for the
pages, the API, the CSV export and the CLI, so a threshold is kept in one place.

The package: this module holds the rater groups, their privacy and the thresholds;
`questions` parses a cycle's questions and checks answers; `results` decides what a cycle's
results show; `batches` releases anonymous continuous notes.

Anonymity, as decided here:

- A rater group is *attributed* (self: the subject's own view), *confidential* (the manager:
  stored with the rater's name, one person the subject knows; never called anonymous) or
  *anonymous* (peers, direct reports, others: stored without any link to the rater).
- An anonymous group shows nothing for a question — no mean, no distribution, no count —
  unless at least `raters` people answered it. Its comments need `comments` (higher).
- Groups too small to show are pooled into "other raters combined" only when the pool itself
  reaches the threshold; otherwise their answers are left out of every total. Decisions are
  made once on the whole cycle and filters only pick among released cells, so no filter,
  total or difference of two views isolates a suppressed group (complementary suppression).
- Comments are shown unattributed, without dates, in an order derived from their text only.
- Anonymous continuous notes are released in whole batches: a month's notes join a batch once
  the month has ended, and a batch opens when it holds at least `comments` notes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

HARD_FLOOR = 3  # never fewer raters behind a shown number, whatever the settings say
DEFAULT_MIN_RATERS = 5
DEFAULT_MIN_COMMENTERS = 7


class RaterGroup(enum.StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    OTHER = "other"


class Privacy(enum.StrEnum):
    ATTRIBUTED = "attributed"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"


GROUP_PRIVACY = {
    RaterGroup.SELF: Privacy.ATTRIBUTED,
    RaterGroup.MANAGER: Privacy.CONFIDENTIAL,
    RaterGroup.PEER: Privacy.ANONYMOUS,
    RaterGroup.DIRECT_REPORT: Privacy.ANONYMOUS,
    RaterGroup.OTHER: Privacy.ANONYMOUS,
}
GROUP_LABELS = {
    RaterGroup.SELF: "Self",
    RaterGroup.MANAGER: "Manager",
    RaterGroup.PEER: "Peers",
    RaterGroup.DIRECT_REPORT: "Direct reports",
    RaterGroup.OTHER: "Others",
}
GROUP_AS = {
    RaterGroup.SELF: "yourself",
    RaterGroup.MANAGER: "their manager",
    RaterGroup.PEER: "a peer",
    RaterGroup.DIRECT_REPORT: "a direct report",
    RaterGroup.OTHER: "a colleague",
}
PRIVACY_NOTES = {
    Privacy.ATTRIBUTED: "Your own answers, shown as yours.",
    Privacy.CONFIDENTIAL: (
        "Not anonymous: your answers are kept with your name and shown as the "
        "manager's view; only the subject, their leads and HR read them."
    ),
    Privacy.ANONYMOUS: (
        "Your answers are stored without your name or any link to you, and shown "
        "only pooled with at least {raters} other answers (comments: {comments})."
    ),
}
ANONYMOUS_GROUPS = tuple(g for g, p in GROUP_PRIVACY.items() if p == Privacy.ANONYMOUS)
POOL = "pool"
POOL_LABEL = "Smaller groups combined"
ALL_LABEL = "All anonymous raters"


class FeedbackRuleError(ValueError):
    """A template, threshold or answer that cannot be accepted; the message says where and why."""


# --- thresholds -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Thresholds:
    raters: int = DEFAULT_MIN_RATERS
    comments: int = DEFAULT_MIN_COMMENTERS


def site_thresholds(raters: int, comments: int) -> Thresholds:
    """The site's thresholds from settings: refused below the hard floor, comments >= raters."""
    if raters < HARD_FLOOR:
        raise FeedbackRuleError(
            f"UPSWING_FEEDBACK_MIN_RATERS={raters} is below the hard floor of {HARD_FLOOR} raters."
        )
    if comments < raters:
        raise FeedbackRuleError(
            f"UPSWING_FEEDBACK_MIN_COMMENTERS={comments} is below "
            f"UPSWING_FEEDBACK_MIN_RATERS={raters}; comments need at least as many raters."
        )
    return Thresholds(raters, comments)


def cycle_thresholds(site: Thresholds, raters: int | None, comments: int | None) -> Thresholds:
    """A cycle may raise the site's thresholds, never lower them."""
    r = max(site.raters, raters or 0, HARD_FLOOR)
    return Thresholds(r, max(site.comments, comments or 0, r))
