"""One writer per warehouse, across processes and hosts: a lock the database side holds.

- A DuckDB file: an exclusive `flock` on `<file>.writer.lock` beside it. The kernel drops it
  when the holder's process ends, however it ends (a SIGKILL included), so a dead writer
  never leaves the warehouse locked.
- PostgreSQL: a session-level advisory lock on the warehouse database, held by a connection
  of its own; the server drops it when that session ends (a crashed worker's connection is
  closed by the server), so it works across hosts.
- A Spark warehouse (`pyspark://…?warehouse=DIR`): an exclusive `flock` on
  `DIR.writer.lock` beside its folder, as for a DuckDB file. It keeps out writers on this
  host only: on a cluster, imports and refreshes run on one host (the job worker's).
- An in-memory DuckDB (`duckdb://`) belongs to one process: nothing to lock.

The lock is re-entrant within a thread (an import that refreshes afterwards opens the
warehouse again). A caller waits up to its patience (`patience(seconds)`, default
UPSWING_WAREHOUSE_WAIT seconds) and then gets `WarehouseBusy`, which the web turns into a
503 with Retry-After and the job queue into a clear failure.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from upswing.warehouse.spark_url import parse_url

# How long a writer waits for another to finish, unless told otherwise.
DEFAULT_WAIT_SECONDS = 600.0
POLL_SECONDS = 0.2
# pg_advisory_lock takes a bigint: the first 8 bytes of a digest of the name (stable).
ADVISORY_KEY = int.from_bytes(
    hashlib.sha256(b"upswing.warehouse.writer").digest()[:8], "big", signed=True
)

_patience: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "upswing_warehouse_patience", default=None
)
_held = threading.local()


class WarehouseBusy(Exception):  # noqa: N818 - a state the caller reports, not a bug
    """Another process is writing the warehouse and did not finish within the wait."""

    def __init__(self, waited: float, retry_after: int = 30):
        self.waited = waited
        self.retry_after = retry_after
        super().__init__(
            f"The warehouse is busy with an import or a refresh (waited {waited:.0f} s); "
            f"try again in {retry_after} seconds."
        )


def default_wait() -> float:
    override = _patience.get()
    if override is not None:
        return override
    raw = os.environ.get("UPSWING_WAREHOUSE_WAIT", "").strip()
    return float(raw) if raw else DEFAULT_WAIT_SECONDS


@contextlib.contextmanager
def patience(seconds: float) -> Iterator[None]:
    """Wait at most `seconds` for the writer lock inside this block (a web request: a few)."""
    token = _patience.set(seconds)
    try:
        yield
    finally:
        _patience.reset(token)


def lock_target(url: str) -> str | None:
    """What is locked for `url`: a lock file path, a PostgreSQL URL, or None (nothing)."""
    if url.startswith("duckdb://"):
        path = url.removeprefix("duckdb://")
        if not path or path == ":memory:":
            return None
        return str(Path(path).resolve()) + ".writer.lock"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql://" + url.split("://", 1)[1]
    if url.startswith("pyspark://"):
        return _spark_lock_file(url)
    return None


def _spark_lock_file(url: str) -> str:
    """Beside a local warehouse folder; for a folder on HDFS or S3, a file in this host's
    temporary folder named by the folder: one writer host (see docs/deploy.md)."""
    folder = parse_url(url).warehouse
    if folder.startswith("file:"):
        folder = folder.removeprefix("file:").removeprefix("//")
    if "://" not in folder:
        return str(Path(folder).resolve()) + ".writer.lock"
    digest = hashlib.sha256(folder.encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"upswing-spark-{digest}.writer.lock")


@contextlib.contextmanager
def writer_lock(url: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block; raises WarehouseBusy after `wait`."""
    target = lock_target(url)
    if target is None:
        yield
        return
    held: dict[str, int] = _held.__dict__.setdefault("counts", {})
    if held.get(target):
        held[target] += 1
        try:
            yield
        finally:
            held[target] -= 1
        return
    limit = default_wait() if wait is None else wait
    release = (
        _acquire_file(target, limit) if target.endswith(".lock") else _acquire_pg(target, limit)
    )
    held[target] = 1
    try:
        yield
    finally:
        held[target] = 0
        release()


def is_held(url: str) -> bool:
    """True when this thread holds the writer lock of `url`."""
    target = lock_target(url)
    return bool(target and _held.__dict__.get("counts", {}).get(target))


def _acquire_file(path: str, limit: float):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            waited = time.monotonic() - started
            if waited >= limit:
                os.close(fd)
                raise WarehouseBusy(waited) from None
            time.sleep(POLL_SECONDS)
    _write_holder(fd)

    def release() -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    return release


def _write_holder(fd: int) -> None:
    """Who holds it, for a person looking at the file (the lock is the flock, not this)."""
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _acquire_pg(url: str, limit: float):
    import psycopg

    con = psycopg.connect(url, autocommit=True)
    started = time.monotonic()
    try:
        while True:
            (got,) = con.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()
            if got:
                break
            waited = time.monotonic() - started
            if waited >= limit:
                raise WarehouseBusy(waited)
            time.sleep(POLL_SECONDS)
    except BaseException:
        con.close()
        raise

    def release() -> None:
        with contextlib.suppress(Exception):
            con.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
        con.close()

    return release
