"""The sources' side of the job queue, registered with upswing.jobs from apps.py: a read of
every source (then a refresh when it brought rows) and its scheduled job `read_sources`
(off while no source is declared). The nightly `refresh` reads them too."""

from __future__ import annotations


def read_sources() -> dict:
    """Read every source past its watermark; refresh when rows were merged."""
    from upswing.jobs.tasks import refresh_scorecards
    from upswing.sources.service import read_sources as read

    outcomes = read()
    if any(o.inserted or o.updated for o in outcomes):
        refresh_scorecards.enqueue(full=False)
    return {"sources": [o.as_dict() for o in outcomes]}


def _declared() -> bool:
    from upswing.sources.models import WarehouseSource

    return WarehouseSource.objects.exists()


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import Work, register_scheduled, register_work

    register_work(tasks.read_sources, Work(read_sources, lambda a, k: "Warehouse sources read"))
    register_scheduled("read_sources", tasks.read_sources.enqueue, _declared)
