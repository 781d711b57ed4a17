"""The nightly jobs as data: parsed with clear errors, each slot enqueued once, a job still
pending not queued twice, a missed slot caught up only while recent, connectors only when
configured."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from upswing.jobs.models import ScheduleSlot
from upswing.jobs.schedule import Entry, ScheduleError, parse_schedule, tick

UTC = dt.UTC


def test_entries_are_daily_times_or_minute_intervals():
    assert parse_schedule(" refresh@02:00, pull_zendesk/60 ,") == [
        Entry("refresh", at=dt.time(2, 0)),
        Entry("pull_zendesk", every_minutes=60),
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("refresh", "neither NAME@HH:MM nor NAME/MINUTES"),
        ("backup@01:00", "unknown job 'backup'"),
        ("refresh@25:00", "not a time of day"),
        ("nudge/0", "minutes must be 1 to 1440"),
    ],
)
def test_a_mistake_names_the_entry_and_why(text, says):
    with pytest.raises(ScheduleError, match=says):
        parse_schedule(text)


def test_the_latest_slot_is_in_the_configured_zone():
    zone = ZoneInfo("Europe/Paris")
    daily = Entry("refresh", at=dt.time(2, 0))
    # 00:30 UTC on 3 Dec is 01:30 in Paris: the latest 02:00 was the day before.
    now = dt.datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    assert daily.latest_slot(now, zone) == dt.datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    # Every 45 minutes from local midnight (23:00 UTC): 01:30 local at 00:40 UTC.
    every = Entry("pull_zendesk", every_minutes=45)
    later = dt.datetime(2026, 12, 3, 0, 40, tzinfo=UTC)
    assert every.latest_slot(later, zone) == dt.datetime(2026, 12, 3, 0, 30, tzinfo=UTC)


@pytest.fixture
def schedule(settings, db):
    from django_tasks_db.models import DBTaskResult

    settings.TIME_ZONE = "UTC"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UPSWING_SCHEDULE = "refresh@02:00,nudge@07:00,pull_zendesk/30"
    settings.ZENDESK_URL = ""
    return DBTaskResult.objects


def test_each_slot_is_enqueued_once_and_a_pending_job_is_not_doubled(schedule):
    with time_machine.travel(dt.datetime(2026, 12, 2, 7, 5, tzinfo=UTC), tick=False):
        assert tick() == ["refresh", "nudge"]  # 02:00 is within the catch-up window
        assert tick() == []
        assert schedule.count() == 2
        assert not ScheduleSlot.objects.filter(name="pull_zendesk").exists()  # not configured
    with time_machine.travel(dt.datetime(2026, 12, 3, 2, 1, tzinfo=UTC), tick=False):
        assert tick() == []  # yesterday's refresh still waits for a worker: not queued twice
        schedule.update(status="SUCCESSFUL")
        assert tick() == ["refresh"]


def test_an_old_missed_slot_is_not_caught_up(schedule):
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=False):
        assert tick() == ["nudge"]  # 07:00 is 5 h ago; 02:00, 10 h ago, is left for tomorrow


def test_a_configured_connector_is_pulled_on_its_interval(schedule, settings):
    settings.ZENDESK_URL, settings.ZENDESK_EMAIL = "https://x.zendesk.com", "a@b.c"
    settings.ZENDESK_API_TOKEN = "t"
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 40, tzinfo=UTC), tick=False):
        assert "pull_zendesk" in tick()
        slot = ScheduleSlot.objects.get(name="pull_zendesk")
    assert slot.due_at == dt.datetime(2026, 12, 2, 12, 30, tzinfo=UTC)
    task = schedule.get(id=slot.task_id)
    assert task.task_path == "upswing.jobs.tasks.pull_connector"
    assert task.args_kwargs["kwargs"] == {"name": "zendesk"}
