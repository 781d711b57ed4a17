"""What a refresh recomputes: the dimensions and events copied into place, and the scope of
periods, programs and agents that the days touched since the last refresh can change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pyarrow as pa
from django.db import transaction

from upswing.org.models import Membership, Program
from upswing.performance.models import ContextEvent
from upswing.periods import PeriodKind, month_of, period_of, week_of
from upswing.warehouse import reads
from upswing.warehouse.connection import Warehouse
from upswing.warehouse.segment_cache import DirtyBatch, SegmentCache


@dataclass(frozen=True, slots=True)
class Scope:
    """What a refresh recomputes: the periods of `periods` (None: all), and in them every
    program row of `programs`, every team row of their teams, and every agent row of
    `agents` (None: all agents). `since`/`until` span the periods (None: everything)."""

    programs: tuple[str, ...]  # empty: nothing to do
    since: dt.date | None  # None: from the beginning
    until: dt.date | None
    periods: dict[PeriodKind, tuple[dt.date, ...]] | None = None
    agents: tuple[str, ...] | None = None
    # The local days whose facts changed (None: not known, e.g. a roster change, or all).
    touched: tuple[dt.date, ...] | None = None
    # The same periods split where fewer programs and agents are touched (each a Scope whose
    # programs and agents are closed over that period's touched days); empty: one part.
    parts: tuple[Scope, ...] = ()
    # Which of its rows are written, when its periods' facts were only added (None: all).
    writes: Writes | None = None


@dataclass(frozen=True, slots=True)
class Writes:
    """The rows new facts can change, of the periods they fall in, when facts were only
    added (no fact changed or left): the program rows and every team row of the `programs`
    of the new facts and of their `team_programs` (a team's baseline is its program's
    value); every row of an agent who has new facts, who has days on one of their `teams`
    (a team's agents are compared with its value, and counted on it), or who has a program
    part in one of either's programs (compared with the program's value per agent counted in
    it, and an agent new to a team counts in the team's program). Every other row of the
    closure sums the same segments as before."""

    agents: frozenset[str]
    teams: frozenset[str]
    programs: frozenset[str]
    team_programs: frozenset[str]


def sync_dimensions(wh: Warehouse) -> None:
    """Copy memberships and programs into the warehouse, where the KPIs join them."""
    members = list(
        Membership.objects.values_list(
            "agent__code", "team__code", "team__program__code", "start_date", "end_date"
        )
    )
    memberships = pa.table(
        {
            "agent_id": pa.array([m[0] for m in members], pa.string()),
            "team_id": pa.array([m[1] for m in members], pa.string()),
            "program_id": pa.array([m[2] for m in members], pa.string()),
            "start_date": pa.array([m[3] for m in members], pa.date32()),
            "end_date": pa.array([m[4] for m in members], pa.date32()),
        }
    )
    programs = list(
        Program.objects.values_list("code", "client__code", "time_zone", "service_level_seconds")
    )
    program_table = pa.table(
        {
            "program_id": pa.array([p[0] for p in programs], pa.string()),
            "client_id": pa.array([p[1] for p in programs], pa.string()),
            "time_zone": pa.array([p[2] for p in programs], pa.string()),
            "service_level_seconds": pa.array([float(p[3]) for p in programs], pa.float64()),
        }
    )
    wh.ibis.create_table("memberships", memberships, overwrite=True)
    wh.ibis.create_table("programs", program_table, overwrite=True)


def sync_events(wh: Warehouse) -> int:
    """Replace the operational copy of the recorded events (they are few; the dashboards
    mark them on their trends without reading the warehouse). Returns the rows written."""
    rows = reads.context_events(wh.ibis).to_pyarrow()
    zones = {code: ZoneInfo(tz) for code, tz in Program.objects.values_list("code", "time_zone")}
    copies: dict[str, ContextEvent] = {}
    for r in rows.to_pylist():
        zone = zones.get(r["program_id"], dt.UTC)
        # The same event imported under two sources has the same id (a digest of its fields).
        copies[r["event_id"]] = ContextEvent(
            event_id=r["event_id"],
            program_code=r["program_id"],
            team_code=r["team_id"] or "",
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            starts_on=r["starts_at"].astimezone(zone).date(),
            ends_on=r["ends_at"].astimezone(zone).date(),
            kind=r["kind"],
            description=r["description"] or "",
        )
    with transaction.atomic():
        ContextEvent.objects.all().delete()
        ContextEvent.objects.bulk_create(copies.values(), batch_size=500)
    return len(copies)


def full_scope() -> Scope:
    return Scope(tuple(Program.objects.values_list("code", flat=True)), None, None)


def dirty_scope(wh: Warehouse, cache: SegmentCache | None, batches: list[DirtyBatch]) -> Scope:
    """The periods holding the days touched since the last refresh, and in them everything
    those days can change. The segment `cache`, if any, is first brought up to date with the
    touched days, and the closure below reads it in place of the facts.

    A day of program P touched for agent A changes P's rows, the rows of A, of A's teams and
    of their programs (a blended agent's calls for P count in their own team), and with them
    the baselines of everyone on those teams (and of A's work for any other program). So the
    programs are closed over: the agents with facts in them or on their teams, then the
    programs of those agents' teams and facts, until nothing is added. A roster change (a
    day without date) recomputes its programs' every period."""
    rows = reads.dirty_days(wh.ibis).to_pyarrow().to_pylist()
    if not rows:
        return Scope((), None, None, touched=())
    days = {r["local_date"] for r in rows}
    touched = None if None in days else tuple(sorted(days))
    facts_in = added = None
    if cache is not None:
        added = cache.bring_up_to_date(touched, batches)
        facts_in = cache.fact_tables()
    every = set(Program.objects.values_list("code", flat=True))
    if touched is None:
        programs, agents = _touched_owners(rows)
        pairs = _pairs(wh.ibis, None, None, facts_in)
        return _scope(*_closed(pairs, programs, agents), None, touched, every)
    by_period: dict[tuple[PeriodKind, dt.date], list[dict]] = {}
    for r in rows:
        for kind, of in ((PeriodKind.WEEK, week_of), (PeriodKind.MONTH, month_of)):
            by_period.setdefault((kind, of(r["local_date"]).start), []).append(r)
    pairs = _pairs(wh.ibis, *_span(by_period), facts_in)
    # Each period's rows change only by its own days: a late row of one program reopens
    # that program's closure in its week, not every program the night touched.
    owners: dict[tuple[frozenset, frozenset], list[tuple[PeriodKind, dt.date]]] = {}
    for period, its_rows in by_period.items():
        programs, agents = _closed(pairs, *_touched_owners(its_rows))
        owners.setdefault((frozenset(programs), frozenset(agents)), []).append(period)
    parts = [
        _scope(p, a, periods, touched, every, _writes(added, periods))
        for (p, a), periods in owners.items()
    ]
    if len(parts) == 1:
        return parts[0]
    programs = set().union(*(p for p, _ in owners))
    agents = set().union(*(a for _, a in owners))
    whole = _scope(programs, agents, list(by_period), touched, every)
    return dataclasses.replace(whole, parts=tuple(parts))


def _writes(
    added: list[tuple] | None, periods: Iterable[tuple[PeriodKind, dt.date]]
) -> Writes | None:
    """The rows of these periods that the segments `added` (agent, local day, team, team's
    program, program) can change; None when the night did not only add facts."""
    if added is None:
        return None
    wanted = set(periods)
    new = [
        r
        for r in added
        if (PeriodKind.WEEK, week_of(r[1]).start) in wanted
        or (PeriodKind.MONTH, month_of(r[1]).start) in wanted
    ]
    return Writes(
        agents=frozenset(r[0] for r in new),
        teams=frozenset(r[2] for r in new if r[2] is not None),
        programs=frozenset(r[4] for r in new if r[4] is not None),
        team_programs=frozenset(r[3] for r in new if r[3] is not None),
    )


def _touched_owners(rows: list[dict]) -> tuple[set[str], set[str]]:
    """The programs and agents of dirty-day rows."""
    return (
        {r["program_id"] for r in rows if r["program_id"]},
        {r["agent_id"] for r in rows if r["agent_id"]},
    )


def _scope(
    programs: Iterable[str],
    agents: Iterable[str],
    periods: Iterable[tuple[PeriodKind, dt.date]] | None,
    touched: tuple[dt.date, ...] | None,
    every_program: set[str],
    writes: Writes | None = None,
) -> Scope:
    """The scope of these programs, agents (every agent when `every_program` is in) and
    periods (None: all of them)."""
    programs = tuple(sorted(programs))
    agents = None if set(programs) >= every_program else tuple(sorted(agents))
    if periods is None:
        return Scope(programs, None, None, None, agents, touched)
    periods = list(periods)
    starts = {
        kind: tuple(sorted(start for k, start in periods if k == kind))
        for kind in (PeriodKind.WEEK, PeriodKind.MONTH)
    }
    return Scope(programs, *_span(periods), starts, agents, touched, writes=writes)


def _span(periods: Iterable[tuple[PeriodKind, dt.date]]) -> tuple[dt.date, dt.date]:
    """The first and last day of the (kind, first day) periods."""
    periods = list(periods)
    return (
        min(start for _, start in periods),
        max(period_of(kind, start).end for kind, start in periods),
    )


def closure(
    con,
    programs: set[str],
    agents: set[str],
    since: dt.date | None,
    until,
    facts_in: tuple[str, ...] | None = None,
) -> tuple[set[str], set[str]]:
    """The programs and agents whose rows days of `programs` and `agents` can change, closed
    over (see `dirty_scope`); `con`: the warehouse's Ibis backend; `facts_in`: the tables the
    facts' pairs are read from (default: the facts)."""
    return _closed(_pairs(con, since, until, facts_in), programs, agents)


def _pairs(con, since, until, facts_in) -> set[tuple[str, str | None]]:
    rows = reads.agent_program_pairs(con, since, until, facts_in).to_pyarrow().to_pylist()
    return {(r["agent_id"], r["program_id"]) for r in rows}


def _closed(
    pairs: set[tuple[str, str | None]], programs: set[str], agents: set[str]
) -> tuple[set[str], set[str]]:
    """`programs` and `agents` closed over the (agent, program) `pairs`: the agents with a
    pair in the programs, then those agents' programs, until nothing is added."""
    programs, agents = set(programs), set(agents)
    while True:
        agents |= {a for a, p in pairs if p in programs}
        more = {p for a, p in pairs if a in agents and p is not None} - programs
        if not more:
            return programs, agents
        programs |= more


def dirty_batches(wh: Warehouse) -> list[DirtyBatch]:
    """The import batches whose days wait for a refresh (`batch_id` None: days marked
    without a batch)."""
    return [DirtyBatch(**r) for r in reads.dirty_batches(wh.ibis).to_pyarrow().to_pylist()]


def consume_dirty_days(wh: Warehouse, batches: list[DirtyBatch]) -> None:
    """Forget the days read by this refresh (an import that landed meanwhile stays): one
    DELETE (on Spark, one rewrite of the table), the batch ids listed 500 to an IN."""
    session = wh.session()
    ids = [b.batch_id for b in batches if b.batch_id is not None]
    lists = [
        ", ".join(session.literal(b) for b in ids[start : start + 500])
        for start in range(0, len(ids), 500)
    ]
    read = " OR ".join(["batch_id IS NULL", *(f"batch_id IN ({chunk})" for chunk in lists)])
    session.delete_where("dirty_days", read)
