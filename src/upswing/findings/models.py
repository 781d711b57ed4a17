"""The findings' records: each stored diagnosis finding, and a program's diagnosis policy.

Defined in `upswing.performance.models` (the `performance` app keeps their tables and
migrations; docs/design-notes.md says why); import them from here.
"""

from upswing.performance.models import DiagnosisPolicy, Finding

__all__ = ["DiagnosisPolicy", "Finding"]
