"""The daily segments kept in the warehouse between refreshes, so that one new day costs a
day's facts, not its month's.

A refresh sums daily segments (`upswing.warehouse.segments`) into weeks and months. A
segment depends only on the facts of its own local day and on the memberships and programs
it is joined with, so the segments of days nobody touched stay valid: an incremental
refresh recomputes the segments of the touched days from the facts (every program's and
agent's, so nothing of those days is left stale), replaces them in the cache, and reads the
rest of its periods from the cache.

The cache is rebuilt whole from the facts when a full refresh asks, when the touched days
are not known (a roster change), or when its fingerprint no longer matches: the code
computing them (a new version computing a measure differently) and the contents of the
memberships and programs tables (a transfer or a program's service-level threshold edited
outside an import). A rebuild first forgets the fingerprint and writes it last, so one cut
off half-way is rebuilt again by the next refresh.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

import upswing
from upswing.warehouse.kpis import CALL_COLUMNS, Scope
from upswing.warehouse.measures import Source
from upswing.warehouse.segments import daily_segments
from upswing.warehouse.sql import literal
from upswing.warehouse.store import SqlSession

TABLES = {source: f"segments_{source.value}" for source in Source}
STATE = "segments_state"
DAYS_INTERACTIONS = "segments_days_interactions"  # temporary, while days are replaced
# The backends whose tables take DELETE (a Spark warehouse reads its segments from the facts).
SUPPORTED = ("duckdb", "postgres")


class SegmentCache:
    """The cached daily segments of one warehouse (`session`: raw SQL in it)."""

    def __init__(self, con: ibis.BaseBackend, session: SqlSession):
        self.con = con
        self._session = session

    @staticmethod
    def supported(con: ibis.BaseBackend) -> bool:
        return con.name in SUPPORTED

    def bring_up_to_date(self, touched: Iterable[dt.date] | None) -> bool:
        """Recompute the segments of the `touched` local days, or all of them (None, or a
        cache that does not match the facts' shape and dimensions). True when rebuilt."""
        fingerprint = self.fingerprint()
        if touched is None or self._stored_fingerprint() != fingerprint:
            self._rebuild(fingerprint)
            return True
        days = sorted(set(touched))
        if days:
            self._replace_days(days)
        return False

    def read(self, source: Source, scope: Scope) -> ir.Table:
        """The cached segments of `source` that `scope` covers (its programs' and agents'
        facts on its days), as `daily_segments` would give them from the facts."""
        return scope.apply(self.con.table(TABLES[source]))

    def fact_tables(self) -> tuple[str, ...]:
        """The segment tables holding the calls' and QA evaluations' agents, programs and
        local days (`reads.agent_program_pairs` reads them in place of the facts)."""
        return (TABLES[Source.CALLS], TABLES[Source.EVALUATIONS])

    def last_days(self, programs: Iterable[str]) -> list[ir.Table]:
        """Each program's last local day with calls, and with QA evaluations (as
        `reads.last_days_with_facts`, from the segments: a fraction of the rows)."""
        wanted = sorted(programs)
        out = []
        for source in (Source.CALLS, Source.EVALUATIONS):
            segments = self.con.table(TABLES[source])
            segments = segments.filter(segments.program_id.isin(wanted))
            out.append(segments.group_by("program_id").aggregate(last=segments.local_date.max()))
        return out

    def fingerprint(self) -> str:
        digest = hashlib.sha256(_code_digest(self.con.name, str(self.con.version)))
        for name, order in (
            ("memberships", ["agent_id", "start_date", "team_id"]),
            ("programs", ["program_id"]),
        ):
            table = self.con.table(name).to_pyarrow()
            digest.update(_arrow_digest(table.sort_by([(c, "ascending") for c in order])))
        return digest.hexdigest()

    def _stored_fingerprint(self) -> str | None:
        if not {STATE, *TABLES.values()} <= set(self.con.list_tables()):
            return None
        rows = self.con.table(STATE).to_pyarrow().column("fingerprint").to_pylist()
        return rows[0] if rows else None

    def _rebuild(self, fingerprint: str) -> None:
        self.con.create_table(STATE, schema=ibis.schema({"fingerprint": "string"}), overwrite=True)
        for source, table in TABLES.items():
            self.con.create_table(table, daily_segments(self.con, source, Scope()), overwrite=True)
        self.con.insert(STATE, pa.table({"fingerprint": [fingerprint]}))

    def _replace_days(self, days: list[dt.date]) -> None:
        """The days' interactions are read once into a temporary table: its exact size lets
        the engine join the surveys to those few calls, not the calls to every survey. On
        DuckDB the whole replacement is one transaction (one write of its log, not one per
        statement); PostgreSQL's Ibis backend commits its own statements."""
        scope = Scope(ranges=_ranges(days))
        listed = ", ".join("DATE " + literal(day.isoformat()) for day in days)
        together = self._session.transaction() if self.con.name == "duckdb" else nullcontext()
        with together:
            calls = self.con.create_table(
                DAYS_INTERACTIONS,
                scope.apply(self.con.table("interactions")).select(*CALL_COLUMNS),
                temp=True,
                overwrite=True,
            )
            for source, table in TABLES.items():
                self._session.run(f"DELETE FROM {table} WHERE local_date IN ({listed})")  # noqa: S608 - our table, date literals
                self.con.insert(table, daily_segments(self.con, source, scope, calls))
            self.con.drop_table(DAYS_INTERACTIONS, force=True)


@functools.cache
def _code_digest(backend: str, version: str) -> bytes:
    """What the segments' computation depends on besides the facts and dimensions: the
    package's own source (a new version may compute a measure differently; any change of it
    counts, so a release rebuilds the segments once), the Ibis that compiles it and the engine
    that runs it. Read once per process, in milliseconds (compiling the segment queries to
    compare their text cost a tenth of a second of every refresh)."""
    digest = hashlib.sha256(f"{backend} {version} ibis {ibis.__version__}".encode())
    root = Path(upswing.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def _ranges(days: list[dt.date]) -> tuple[tuple[dt.date, dt.date], ...]:
    """Sorted days as inclusive runs of consecutive days."""
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return tuple((first, last) for first, last in runs)


def _arrow_digest(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).digest()
