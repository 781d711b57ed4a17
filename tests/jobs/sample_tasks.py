"""Tasks for the worker's own tests: one that takes too long, one that wants too much memory,
and one that just answers."""

from __future__ import annotations

import time

from django_tasks import task


@task()
def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


@task()
def allocate(megabytes: int) -> int:
    block = bytearray(int(megabytes) * 1024 * 1024)
    return len(block)


@task()
def answer() -> int:
    return 42
