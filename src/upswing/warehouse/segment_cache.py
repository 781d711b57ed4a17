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
import json
from collections.abc import Iterable
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

import upswing
from upswing.warehouse import reads
from upswing.warehouse.kpis import CALL_COLUMNS, Scope
from upswing.warehouse.measures import Source
from upswing.warehouse.segments import daily_segments
from upswing.warehouse.sql import literal
from upswing.warehouse.store import SqlSession

TABLES = {source: f"segments_{source.value}" for source in Source}
STATE = "segments_state"
# Temporary, while days are replaced: the days, and their interactions.
DAYS = "segments_days"
DAYS_INTERACTIONS = "segments_days_interactions"
# The segments each kind of import can change: an interaction's segments and its survey's (a
# survey is counted on its call's agent and day); a survey's; a QA evaluation's. A day changed
# by anything else (or by a batch whose kind is not known) has all of them recomputed.
SOURCES_OF_KIND = {
    "interactions": (Source.CALLS, Source.SURVEYS),
    "surveys": (Source.SURVEYS,),
    "qa": (Source.EVALUATIONS,),
}
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

    def bring_up_to_date(
        self, touched: Iterable[dt.date] | None, kinds: Iterable[str | None] | None = None
    ) -> bool:
        """Recompute the segments of the `touched` local days, or all of them (None, or a
        cache that does not match the facts' shape and dimensions). `kinds`: the kinds of
        the imports that touched them (None: not known); on those days only the sources
        they can change are recomputed (`SOURCES_OF_KIND`). True when rebuilt."""
        fingerprint = self.fingerprint()
        stored, statements = self._stored_state()
        if touched is None or stored != fingerprint:
            self._rebuild(fingerprint)
            return True
        days = sorted(set(touched))
        sources = _sources_changed_by(kinds)
        if days and sources:
            self._replace_days(days, statements, sources)
        return False

    def read(self, source: Source, scope: Scope) -> ir.Table:
        """The cached segments of `source` that `scope` covers (its programs' and agents'
        facts on its days), as `daily_segments` would give them from the facts."""
        return scope.apply(self.con.table(TABLES[source]))

    def fact_tables(self) -> tuple[str, ...]:
        """The segment tables holding the calls' and QA evaluations' agents, programs and
        local days (`reads.agent_program_pairs` reads them in place of the facts)."""
        return (TABLES[Source.CALLS], TABLES[Source.EVALUATIONS])

    def last_days(self, programs: Iterable[str]) -> ir.Table:
        """Each program's last local day with calls or QA evaluations (as
        `reads.last_days_with_facts`, from the segments: a fraction of the rows)."""
        return reads.last_days_with_facts(self.con, programs, self.fact_tables())

    def fingerprint(self) -> str:
        digest = hashlib.sha256(_code_digest(self.con.name, str(self.con.version)))
        for name, order in (
            ("memberships", ["agent_id", "start_date", "team_id"]),
            ("programs", ["program_id"]),
        ):
            table = self.con.table(name).to_pyarrow()
            digest.update(_arrow_digest(table.sort_by([(c, "ascending") for c in order])))
        return digest.hexdigest()

    def _stored_state(self) -> tuple[str | None, dict[str, str]]:
        """The fingerprint the cache was built with, and its statements replacing days."""
        if not {STATE, *TABLES.values()} <= set(self.con.list_tables()):
            return None, {}
        rows = self.con.table(STATE).to_pyarrow().to_pylist()
        if not rows or "statements" not in rows[0]:  # none, or kept by an earlier version
            return None, {}
        return rows[0]["fingerprint"], json.loads(rows[0]["statements"])

    def _rebuild(self, fingerprint: str) -> None:
        state = ibis.schema({"fingerprint": "string", "statements": "string"})
        self.con.create_table(STATE, schema=state, overwrite=True)
        for source, table in TABLES.items():
            self.con.create_table(table, daily_segments(self.con, source, Scope()), overwrite=True)
        statements = json.dumps(self._day_statements())
        self.con.insert(STATE, pa.table({"fingerprint": [fingerprint], "statements": [statements]}))

    def _day_statements(self) -> dict[str, str]:
        """The SQL replacing the segments of the days listed in the temporary table DAYS:
        the days' interactions read into DAYS_INTERACTIONS, then each source's segments of
        those days inserted into its table. It depends on nothing but the code and the
        engine, which the fingerprint follows, so it is compiled when the cache is built and
        kept beside the fingerprint: a night runs it without building and compiling the
        expressions again (a third of a second of a night's refresh)."""
        days = ibis.table({"local_date": "date"}, name=DAYS)
        interactions = self.con.table("interactions")
        calls = interactions.filter(interactions.local_date.isin(days.local_date))
        calls = calls.select(*CALL_COLUMNS)
        read = ibis.table(calls.schema(), name=DAYS_INTERACTIONS)
        # every criterion of the evaluations with one on those days (an evaluation dated by
        # its latest criterion has one on its day), not every evaluation ever scored
        qa = self.con.table("qa_scores")
        evaluations = qa.filter(qa.local_date.isin(days.local_date))
        criteria = qa.semi_join(evaluations, ["source", "evaluation_id"])
        statements = {DAYS_INTERACTIONS: self.con.compile(calls)}
        for source, table in TABLES.items():
            segments = daily_segments(self.con, source, Scope(), read, criteria)
            segments = segments.filter(segments.local_date.isin(days.local_date))
            columns = ", ".join(segments.columns)
            statements[table] = f"INSERT INTO {table} ({columns}) {self.con.compile(segments)}"
        return statements

    def _replace_days(
        self, days: list[dt.date], statements: dict[str, str], sources: set[Source]
    ) -> None:
        """Replace the `sources`' segments of the days. The days' interactions (which calls
        and surveys read) are read once into a temporary table: its exact size lets the
        engine join the surveys to those few calls, not the calls to every survey. The whole
        replacement is one transaction (on DuckDB, one write of its log, not one per
        statement)."""
        listed = ", ".join(f"(DATE {literal(day.isoformat())})" for day in days)
        run = self._session.run
        with self._session.transaction():
            for name in (DAYS, DAYS_INTERACTIONS):
                run(f"DROP TABLE IF EXISTS {name}")
            run(f"CREATE TEMP TABLE {DAYS} (local_date DATE)")
            run(f"INSERT INTO {DAYS} VALUES {listed}")  # noqa: S608 - date literals
            if sources & {Source.CALLS, Source.SURVEYS}:
                run(f"CREATE TEMP TABLE {DAYS_INTERACTIONS} AS {statements[DAYS_INTERACTIONS]}")
            for source in sorted(sources):
                table = TABLES[source]
                run(f"DELETE FROM {table} WHERE local_date IN (SELECT local_date FROM {DAYS})")  # noqa: S608 - our tables
                run(statements[table])
            for name in (DAYS, DAYS_INTERACTIONS):
                run(f"DROP TABLE IF EXISTS {name}")


def _sources_changed_by(kinds: Iterable[str | None] | None) -> set[Source]:
    """The segment sources that imports of these kinds can change (None, or a kind without
    an entry: every source)."""
    if kinds is None:
        return set(Source)
    sources: set[Source] = set()
    for kind in kinds:
        sources.update(SOURCES_OF_KIND.get(kind, tuple(Source)))
    return sources


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


def _arrow_digest(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).digest()
