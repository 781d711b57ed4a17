"""Programs judged side by side, one forked process each, up to one per core.

A program of 20,000 agents reads ~300,000 weekly scorecards and runs its rules in Python: one
core's work. The warehouse is read first by the process that holds it (`diagnosis.
read_warehouse`); the forked processes inherit those readings and read only the operational
database, each through a connection of its own. Only the findings come back.

The programs are judged one after the other, in this process, when a forked process could
not see the same data or there is nothing to share: inside a transaction (what it wrote is
not committed), on an in-memory database, with one program, or with
UPSWING_DIAGNOSIS_PROCESSES=1.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.db import connections

from upswing.jobs.limits import die_with_parent

Item = TypeVar("Item")
Result = TypeVar("Result")

# What the forked processes run: set before they are forked, inherited, never pickled.
_WORK: tuple[Callable, Sequence] | None = None


def process_count(programs: int) -> int:
    """How many processes judge `programs` programs: the setting (0: one per core), at most
    one per program."""
    wanted = settings.UPSWING_DIAGNOSIS_PROCESSES or os.cpu_count() or 1
    return max(1, min(wanted, programs))


def can_fork() -> bool:
    """A forked process would read what this one reads: no open transaction on any database,
    none of them in memory."""
    for alias in connections:
        connection = connections[alias]
        if connection.in_atomic_block:
            return False
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            return False
    return True


def map_programs(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`work` of each item, in order: in forked processes when that is possible and helps."""
    count = process_count(len(items))
    if count == 1 or not can_fork():
        return [work(item) for item in items]
    global _WORK
    _WORK = (work, items)
    # Closed here so that no forked process shares this one's sockets or SQLite handles:
    # each opens its own when it first queries, and this one reopens its own after.
    connections.close_all()
    try:
        # A process whose parent is gone (a task killed at its time limit) ends too.
        started = multiprocessing.get_context("fork").Pool(
            count, initializer=die_with_parent, initargs=(os.getpid(),)
        )
        with started as pool:
            # In order, so a failure raised here is the first item's that failed, as when
            # they run one after the other (map would raise whichever failed first in time).
            return list(pool.imap(_run, range(len(items)), chunksize=1))
    finally:
        _WORK = None


def _run(index: int):
    work, items = _WORK
    try:
        return work(items[index])
    finally:
        connections.close_all()
