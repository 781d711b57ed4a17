"""The targets' records: one row per version of a metric's SLA floor and KPI target.

Defined in `upswing.performance.models` (the `performance` app keeps its table and
migrations; docs/design-notes.md says why); import it from here.
"""

from upswing.performance.models import Target

__all__ = ["Target"]
