"""`upswing serve` starts one worker beside the web server and stops it when it stops."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def worker_beside(*, enabled: bool) -> Iterator[subprocess.Popen | None]:
    if not enabled:
        yield None
        return
    command = [sys.executable, "-m", "upswing.cli", "worker", "--exit-with-parent",
               str(os.getpid())]  # fmt: skip
    proc = subprocess.Popen(command)  # noqa: S603 - our own command  # nosec B603 - our own worker command, no shell
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
