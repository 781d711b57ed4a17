"""The daily segments kept in the warehouse between refreshes, so that one new day costs a
day's facts, not its month's.

A refresh sums daily segments (`upswing.warehouse.segments`) into weeks and months. A
segment depends only on the facts of its own local day and on the memberships and programs
it is joined with, so the segments of days nobody touched stay valid: an incremental
refresh recomputes the segments of the touched days from the facts (every program's and
agent's, so nothing of those days is left stale), replaces them in the cache, and reads the
rest of its periods from the cache. When every import waiting for it only added new
interactions (the nightly file), it adds the segments of their rows to those of their days
instead, without reading the days' other facts; the batches the cache holds are recorded
with it, so a refresh stopped before its snapshots are written never adds them twice.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

import upswing
from upswing.warehouse import reads
from upswing.warehouse.kpis import CALL_COLUMNS, Scope
from upswing.warehouse.measures import Source
from upswing.warehouse.segments import SEGMENT_KEYS, daily_segments
from upswing.warehouse.sql import literal
from upswing.warehouse.store import SqlSession

TABLES = {source: f"segments_{source.value}" for source in Source}
STATE = "segments_state"
# The import batches whose rows the segments hold, while their days still wait for a refresh
# to be consumed: a batch added to the segments (below) is added once, even when the refresh
# that added it stops before its snapshots are written.
APPLIED = "segments_applied"
# Temporary, while days are replaced: the days, and their interactions; or the batches added,
# their interactions, and each source's segments of them before and after they are added.
DAYS = "segments_days"
DAYS_INTERACTIONS = "segments_days_interactions"
BATCHES = "segments_batches"
DELTA = "segments_delta"
MERGED = "segments_merged"
# The segments each kind of import can change: an interaction's segments and its survey's (a
# survey is counted on its call's agent and day); a survey's; a QA evaluation's. A day changed
# by anything else (or by a batch whose kind is not known) has all of them recomputed.
SOURCES_OF_KIND = {
    "interactions": (Source.CALLS, Source.SURVEYS),
    "surveys": (Source.SURVEYS,),
    "qa": (Source.EVALUATIONS,),
}
# An import of new interactions only (none updated) adds to the segments of its days what its
# own rows sum to: every measure is a sum (a count, a total, a sum of squares); the facts
# already there are unchanged, and so are their segments (a survey is counted on its own
# interaction: those of the new rows are summed with them, QA evaluations carry their own
# agent and day). Its rows are read, not every row of its days.
ADDITIVE_KINDS = frozenset({"interactions"})


@dataclass(frozen=True, slots=True)
class DirtyBatch:
    """An import batch whose days wait for a refresh, as its log entry describes it (`kind`
    None: no entry)."""

    batch_id: str | None
    kind: str | None
    rows_updated: int | None

    @property
    def adds_only(self) -> bool:
        return self.batch_id is not None and self.kind in ADDITIVE_KINDS and self.rows_updated == 0


# The backends whose tables take DELETE (a Spark warehouse reads its segments from the facts).
SUPPORTED = ("duckdb", "postgres")
# The key, in the kept statements, of those adding batches.
ADD_STATEMENTS = "add batches"


class SegmentCache:
    """The cached daily segments of one warehouse (`session`: raw SQL in it)."""

    def __init__(self, con: ibis.BaseBackend, session: SqlSession):
        self.con = con
        self._session = session

    @staticmethod
    def supported(con: ibis.BaseBackend) -> bool:
        return con.name in SUPPORTED

    def bring_up_to_date(
        self, touched: Iterable[dt.date] | None, batches: Sequence[DirtyBatch]
    ) -> list[tuple] | None:
        """Bring the segments up to date with the `batches` waiting for a refresh (those
        the segments already hold are left out): rebuild them all when the days touched are
        not known (`touched` None) or the cache does not match the facts' shape and
        dimensions; add the rows of batches that only added interactions to the segments of
        their days (`ADDITIVE_KINDS`); otherwise recompute the `touched` local days from the
        facts, only the sources the batches' kinds can change (`SOURCES_OF_KIND`). The
        batches are then recorded as held. Returns the keys (agent, local day, team, team's
        program, program) of the segments added when every waiting batch was added here
        (none already held), else None."""
        fingerprint = self.fingerprint()
        stored, statements = self._stored_state()
        if touched is None or stored != fingerprint:
            self._rebuild(fingerprint, batches)
            return None
        applied = self._applied()
        pending = [b for b in batches if b.batch_id not in applied]
        days = sorted(set(touched))
        added = None
        with self._session.transaction():
            if pending and all(b.adds_only for b in pending):
                added = self._add_batches(pending, statements)
            elif pending and days:
                sources = _sources_changed_by([b.kind for b in pending])
                self._replace_days(days, statements, sources)
            self._record_applied(batches)
        return added if len(pending) == len(batches) else None

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
        if not {STATE, APPLIED, *TABLES.values()} <= set(self.con.list_tables()):
            return None, {}
        rows = self.con.table(STATE).to_pyarrow().to_pylist()
        if not rows or "statements" not in rows[0]:  # none, or kept by an earlier version
            return None, {}
        return rows[0]["fingerprint"], json.loads(rows[0]["statements"])

    def _rebuild(self, fingerprint: str, batches: Sequence[DirtyBatch]) -> None:
        state = ibis.schema({"fingerprint": "string", "statements": "string"})
        self.con.create_table(STATE, schema=state, overwrite=True)
        self.con.create_table(APPLIED, schema=ibis.schema({"batch_id": "string"}), overwrite=True)
        for source, table in TABLES.items():
            self.con.create_table(table, daily_segments(self.con, source, Scope()), overwrite=True)
        self._record_applied(batches)
        statements = json.dumps(self._day_statements())
        self.con.insert(STATE, pa.table({"fingerprint": [fingerprint], "statements": [statements]}))

    def _day_statements(self) -> dict:
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
        statements[ADD_STATEMENTS] = self._add_statements(read)
        return statements

    def _add_statements(self, read: ir.Table) -> dict[str, str]:
        """The SQL adding the interactions of the batches listed in the temporary table
        BATCHES to the segments: their rows read into DAYS_INTERACTIONS, then for each
        source they feed, the segments of those rows (DELTA) summed with the segments of
        their days (MERGED), which replace them."""
        batches = ibis.table({"batch_id": "string"}, name=BATCHES)
        interactions = self.con.table("interactions")
        rows = interactions.filter(interactions.batch_id.isin(batches.batch_id))
        out = {DAYS_INTERACTIONS: self.con.compile(rows.select(*CALL_COLUMNS))}
        for source in SOURCES_OF_KIND["interactions"]:
            table = TABLES[source]
            delta = daily_segments(self.con, source, Scope(), read)
            sums = [c for c in delta.columns if c not in SEGMENT_KEYS]
            columns = ", ".join(delta.columns)
            days = f"local_date IN (SELECT DISTINCT local_date FROM {DELTA})"  # noqa: S608 - ours
            out[f"{table} delta"] = f"CREATE TEMP TABLE {DELTA} AS {self.con.compile(delta)}"
            keys = ", ".join(SEGMENT_KEYS)
            summed = ", ".join(f"SUM({c}) AS {c}" for c in sums)
            both = f"SELECT {columns} FROM {table} WHERE {days} UNION ALL SELECT {columns} FROM {DELTA}"  # noqa: S608, E501 - our tables
            out[f"{table} merged"] = (
                f"CREATE TEMP TABLE {MERGED} AS SELECT {keys}, {summed} FROM ({both}) both_"  # noqa: S608 - ours
                f" GROUP BY {keys}"
            )
            out[f"{table} delete"] = f"DELETE FROM {table} WHERE {days}"  # noqa: S608 - ours
            copied = f"SELECT {columns} FROM {MERGED}"  # noqa: S608 - ours
            out[f"{table} insert"] = f"INSERT INTO {table} ({columns}) {copied}"
        return out

    def _add_batches(self, batches: Sequence[DirtyBatch], statements: dict) -> list[tuple]:
        """Add the rows of these batches (new interactions only) to the segments of their
        days, inside the caller's transaction; returns the keys of the segments added."""
        add = statements[ADD_STATEMENTS]
        run = self._session.run
        listed = ", ".join(f"({literal(b.batch_id)})" for b in batches)
        for name in (BATCHES, DAYS_INTERACTIONS, DELTA, MERGED):
            run(f"DROP TABLE IF EXISTS {name}")
        run(f"CREATE TEMP TABLE {BATCHES} (batch_id VARCHAR)")
        run(f"INSERT INTO {BATCHES} VALUES {listed}")  # noqa: S608 - string literals
        run(f"CREATE TEMP TABLE {DAYS_INTERACTIONS} AS {add[DAYS_INTERACTIONS]}")
        keys = ", ".join(SEGMENT_KEYS)
        added: set[tuple] = set()
        for source in SOURCES_OF_KIND["interactions"]:
            table = TABLES[source]
            for step in ("delta", "merged", "delete", "insert"):
                run(add[f"{table} {step}"])
            added.update(tuple(r) for r in run(f"SELECT DISTINCT {keys} FROM {DELTA}"))  # noqa: S608
            for name in (DELTA, MERGED):
                run(f"DROP TABLE {name}")
        for name in (BATCHES, DAYS_INTERACTIONS):
            run(f"DROP TABLE {name}")
        return sorted(added, key=repr)

    def _applied(self) -> set[str]:
        rows = self._session.run(f"SELECT batch_id FROM {APPLIED}")  # noqa: S608 - ours
        return {r[0] for r in rows}

    def _record_applied(self, batches: Sequence[DirtyBatch]) -> None:
        """Hold exactly these batches as added (those no longer waiting were consumed)."""
        self._session.run(f"DELETE FROM {APPLIED}")  # noqa: S608 - ours
        listed = ", ".join(f"({literal(b.batch_id)})" for b in batches if b.batch_id is not None)
        if listed:
            self._session.run(f"INSERT INTO {APPLIED} VALUES {listed}")  # noqa: S608 - literals

    def _replace_days(self, days: list[dt.date], statements: dict, sources: set[Source]) -> None:
        """Replace the `sources`' segments of the days. The days' interactions (which calls
        and surveys read) are read once into a temporary table: its exact size lets the
        engine join the surveys to those few calls, not the calls to every survey. The whole
        replacement is one transaction (on DuckDB, one write of its log, not one per
        statement): the caller's."""
        listed = ", ".join(f"(DATE {literal(day.isoformat())})" for day in days)
        run = self._session.run
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


def _sources_changed_by(kinds: Iterable[str | None]) -> set[Source]:
    """The segment sources that imports of these kinds can change (a kind without an entry,
    or None: every source)."""
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
