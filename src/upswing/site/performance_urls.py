"""The `performance` URL namespace: the pages of scorecards, findings and targets.

Each feature folder lists its own URLs; they share this namespace so that every URL name
(`performance:program`, `performance:finding`, `performance:targets`, …) and path stayed the
same when `performance/` was split into feature folders.
"""

from upswing.findings import urls as findings_urls
from upswing.scorecards import urls as scorecards_urls
from upswing.targets import urls as targets_urls

app_name = "performance"

urlpatterns = [
    *scorecards_urls.urlpatterns,
    *targets_urls.urlpatterns,
    *findings_urls.urlpatterns,
]
