"""The nightly jobs as data: UPSWING_SCHEDULE lists `name@HH:MM` (daily, in TIME_ZONE) and
`name/MINUTES` (every N minutes from midnight) entries; the workers enqueue each due slot
once (a unique ScheduleSlot row decides which worker does), skip a job whose previous run is
still waiting or running, and catch up only the latest slot missed within CATCH_UP (a worker
down at 02:00 runs the refresh when it starts at 03:00, not a week of them). The jobs a
schedule may name are the features' (`upswing.jobs.registry.register_scheduled`)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from upswing.jobs.registry import scheduled_jobs

logger = logging.getLogger(__name__)

CATCH_UP = dt.timedelta(hours=6)
_ENTRY = re.compile(r"^(?P<name>[a-z_]+)(?:@(?P<hh>\d{1,2}):(?P<mm>\d{2})|/(?P<every>\d+))$")


def job_names() -> tuple[str, ...]:
    """The jobs the schedule may name: those the features registered (upswing.jobs.registry)."""
    return tuple(scheduled_jobs())


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    at: dt.time | None = None  # daily at this local time
    every_minutes: int | None = None

    def latest_slot(self, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        """The latest time at or before `now` this entry was due (aware, UTC)."""
        local = now.astimezone(zone)
        if self.at is not None:
            slot = dt.datetime.combine(local.date(), self.at, tzinfo=zone)
            if slot > local:
                slot = dt.datetime.combine(local.date() - dt.timedelta(days=1), self.at, zone)
        else:
            midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=zone)
            step = dt.timedelta(minutes=self.every_minutes)
            slot = midnight + ((local - midnight) // step) * step
        return slot.astimezone(dt.UTC)

    def describe(self) -> str:
        if self.at is not None:
            return f"daily at {self.at:%H:%M}"
        return f"every {self.every_minutes} minutes"


def parse_schedule(text: str) -> list[Entry]:
    """`refresh@02:00, pull_zendesk/60` -> entries; a mistake names the entry and why."""
    entries = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        match = _ENTRY.match(raw)
        if not match:
            raise ScheduleError(f"UPSWING_SCHEDULE: {raw!r} is neither NAME@HH:MM nor NAME/MINUTES")
        name = match["name"]
        if name not in job_names():
            raise ScheduleError(
                f"UPSWING_SCHEDULE: unknown job {name!r} (one of {', '.join(job_names())})"
            )
        if match["every"] is not None:
            minutes = int(match["every"])
            if not 1 <= minutes <= 1440:
                raise ScheduleError(f"UPSWING_SCHEDULE: {raw!r}: minutes must be 1 to 1440")
            entries.append(Entry(name, every_minutes=minutes))
        else:
            hour, minute = int(match["hh"]), int(match["mm"])
            if hour > 23 or minute > 59:
                raise ScheduleError(f"UPSWING_SCHEDULE: {raw!r} is not a time of day")
            entries.append(Entry(name, at=dt.time(hour, minute)))
    return entries


def configured_entries() -> list[Entry]:
    return parse_schedule(settings.UPSWING_SCHEDULE)


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every entry whose latest slot has not been enqueued yet; returns their names."""
    from upswing.jobs.models import ScheduleSlot

    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    jobs = scheduled_jobs()
    fired = []
    for entry in configured_entries():
        job = jobs[entry.name]
        slot = entry.latest_slot(now, zone)
        if now - slot > CATCH_UP or not job.configured():
            continue
        if ScheduleSlot.objects.filter(name=entry.name, due_at=slot).exists():
            continue
        if _still_pending(entry.name):
            continue
        try:
            with transaction.atomic():
                row = ScheduleSlot.objects.create(name=entry.name, due_at=slot)
                result = job.enqueue()
                row.task_id = str(result.id)
                row.save(update_fields=["task_id"])
        except IntegrityError:  # another worker took this slot
            continue
        fired.append(entry.name)
        logger.info("scheduled %s (due %s) enqueued", entry.name, slot.isoformat())
    return fired


def _still_pending(name: str) -> bool:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from upswing.jobs.models import ScheduleSlot

    last = ScheduleSlot.objects.filter(name=name).exclude(task_id="").first()
    if last is None:
        return False
    return DBTaskResult.objects.filter(
        id=last.task_id, status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).exists()
