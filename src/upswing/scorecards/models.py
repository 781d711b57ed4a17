"""The scorecards' records: a snapshot per metric, entity and period written by refresh, and
the operational copy of recorded context events.

Defined in `upswing.performance.models` (the `performance` app keeps their tables and
migrations; docs/design-notes.md says why); import them from here.
"""

from upswing.performance.models import (
    WHOLE_PARTS,
    ContextEvent,
    Level,
    Part,
    PeriodKindChoice,
    ScorecardSnapshot,
)

__all__ = ["WHOLE_PARTS", "ContextEvent", "Level", "Part", "PeriodKindChoice", "ScorecardSnapshot"]
