"""The warehouse's other reads, each a named Ibis expression: recorded events, the mix of
each agent's calls, QA behaviour misses, the days awaiting a refresh, interaction keys.

The scorecard's own reads are in `kpis`, the drill-down's in `evidence`; nothing outside
`upswing.warehouse` opens a table. Each function returns an unexecuted Ibis table, so the
caller decides how to fetch it; definitions shared with a KPI (FCR) come from `measures`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

from upswing.warehouse import kpis, measures

EVENT_COLUMNS = ("event_id", "program_id", "team_id", "kind", "starts_at", "ends_at", "description")
# Wait-time bands of the mix (upper bounds in seconds, inclusive); longer waits are "180s+".
WAIT_BANDS = ((20, "0-20s"), (60, "21-60s"), (180, "61-180s"))


def context_events(
    con: ibis.BaseBackend,
    program: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> ir.Table:
    """Recorded events (outages, understaffing…), optionally of one program and overlapping
    [start, end)."""
    events = con.table("context_events")
    if program is not None:
        events = events.filter(events.program_id == program)
    if end is not None:
        events = events.filter(events.starts_at < end)
    if start is not None:
        events = events.filter(events.ends_at >= start)
    return events.select(*EVENT_COLUMNS)


def mix_cells(con: ibis.BaseBackend, program: str, first: dt.date, last: dt.date) -> ir.Table:
    """Per agent and mix cell (channel, wait band, topic) of the answered calls of `program`
    on local days first..last: the counts behind FCR, escalation and reopen, and AHT's sums."""
    t = con.table("interactions")
    t = t.filter(t.program_id == program, t.local_date >= first, t.local_date <= last, t.answered)
    band = ibis.cases(
        (t.wait_seconds.isnull(), "unknown"),
        *((t.wait_seconds <= limit, name) for limit, name in WAIT_BANDS),
        else_="180s+",
    )
    m = t.mutate(channel=t.channel.fill_null("other"), wait_band=band, topic=t.topic.fill_null(""))
    return m.group_by(["agent_id", "channel", "wait_band", "topic"]).aggregate(
        fcr_n=m.resolved.count(),
        fcr_hits=m.count(where=measures.is_first_contact_resolution(m)),
        escalation_n=m.escalated.count(),
        escalation_hits=m.count(where=m.escalated),
        reopen_n=m.reopened.count(),
        reopen_hits=m.count(where=m.reopened),
        aht_n=m.handle_seconds.count(),
        aht_sum=m.handle_seconds.sum(),
        aht_squares=(m.handle_seconds * m.handle_seconds).sum(),
    )


def channel_strata(con: ibis.BaseBackend, program: str, first: dt.date, last: dt.date) -> ir.Table:
    """Per channel, the answered calls of `program` on local days first..last: the counts
    behind FCR, escalation and reopen, and AHT's sum (the strata a comparison of vendors is
    standardised over)."""
    cells = mix_cells(con, program, first, last)
    return cells.group_by("channel").aggregate(
        **{
            name: cells[name].sum()
            for name in (
                "fcr_n", "fcr_hits", "escalation_n", "escalation_hits",
                "reopen_n", "reopen_hits", "aht_n", "aht_sum",
            )
        }
    )  # fmt: skip


def behaviour_misses(
    con: ibis.BaseBackend,
    program: str,
    first: dt.date,
    last: dt.date,
    agents: Iterable[str] | None = None,
) -> ir.Table:
    """One row per QA evaluation and behaviour (the criterion's category, or the criterion
    itself without one) on local days first..last: its agent, interaction and day, and
    whether it `missed` the behaviour (lost points on any of its criteria)."""
    q = con.table("qa_scores")
    q = q.filter(q.program_id == program, q.local_date >= first, q.local_date <= last)
    if agents is not None:
        q = q.filter(q.agent_id.isin(sorted(agents)))
    q = q.mutate(behaviour=q.category.fill_null(q.criterion), lost=q.points < q.max_points)
    return q.group_by(["source", "evaluation_id", "behaviour"]).aggregate(
        agent_id=q.agent_id.max(),
        interaction_id=q.interaction_id.max(),
        day=q.local_date.min(),
        missed=q.lost.any(),
    )


def dirty_programs(con: ibis.BaseBackend) -> ir.Table:
    """Per program with facts changed since the last refresh: the first and last local day
    changed, and whether everything must be recomputed (a day left NULL)."""
    dirty = con.table("dirty_days")
    return dirty.group_by("program_id").aggregate(
        first=dirty.local_date.min(),
        last=dirty.local_date.max(),
        everything=dirty.local_date.isnull().any(),
    )


def dirty_days(con: ibis.BaseBackend) -> ir.Table:
    """The (program, local day, agent) changed since the last refresh; a day left NULL means
    the program's every period (a roster change), an agent left NULL any of its agents."""
    dirty = con.table("dirty_days")
    return dirty.select("program_id", "local_date", "agent_id").distinct()


def dirty_batches(con: ibis.BaseBackend) -> ir.Table:
    """The import batches whose days wait for a refresh, with their kind and rows updated as
    their log holds them (NULL for a batch without a log entry)."""
    dirty = con.table("dirty_days").select("batch_id").distinct()
    log = con.table("import_log").select("batch_id", "kind", "rows_updated")
    joined = dirty.left_join(log, dirty.batch_id == log.batch_id)
    return joined.select(dirty.batch_id, "kind", "rows_updated")


def agent_program_pairs(
    con: ibis.BaseBackend,
    since: dt.date | None,
    until: dt.date | None,
    facts_in: tuple[str, ...] | None = None,
) -> ir.Table:
    """Every (agent, program) linked on local days since..until (all days when None): by a
    membership of the agent on a team of the program, or by the agent's interactions or QA
    evaluations carrying the program (a blended agent works several). `facts_in`: the tables
    read for the facts' pairs in place of the facts (their up-to-date daily segments: the
    same pairs from a fraction of the rows)."""
    members = kpis.effective_memberships(con)
    if since is not None:
        members = members.filter(members.start_date <= until, members.end_date >= since)
    pairs = [members.select("agent_id", "program_id")]
    for table in facts_in or ("interactions", "qa_scores"):
        facts = con.table(table)
        if since is not None:
            facts = facts.filter(facts.local_date >= since, facts.local_date <= until)
        pairs.append(facts.select("agent_id", "program_id"))
    return ibis.union(*pairs, distinct=True)


def last_days_with_facts(
    con: ibis.BaseBackend,
    programs: Iterable[str],
    tables: Iterable[str] = ("interactions", "qa_scores"),
) -> ir.Table:
    """Each program's last local day with facts (interactions or QA scores; `tables`: the
    tables holding them, or their daily segments), in one query."""
    wanted = sorted(programs)
    days = ibis.union(*(con.table(t).select("program_id", "local_date") for t in tables))
    days = days.filter(days.program_id.isin(wanted))
    return days.group_by("program_id").aggregate(last=days.local_date.max())


def interaction_keys(con: ibis.BaseBackend) -> ir.Table:
    """Every imported interaction's key and program (surveys must name one)."""
    return con.table("interactions").select("source", "interaction_id", "program_id")


def interaction_cells(con: ibis.BaseBackend, program: str) -> ir.Table:
    """Answered interactions of `program` with their mix cell (channel, wait band, topic)."""
    t = con.table("interactions")
    t = t.filter(t.program_id == program, t.answered.fill_null(True))
    band = ibis.cases(
        (t.wait_seconds.isnull(), "unknown"),
        *((t.wait_seconds <= limit, name) for limit, name in WAIT_BANDS),
        else_="180s+",
    )
    return t.select(
        "source",
        "interaction_id",
        "agent_id",
        "local_date",
        channel=t.channel.fill_null("other"),
        wait_band=band,
        topic=t.topic.fill_null(""),
    )


def survey_mix_cells(
    con: ibis.BaseBackend,
    program: str,
    first: dt.date,
    last: dt.date,
    metrics: Iterable[tuple[str, str]],
) -> ir.Table:
    """Per agent and mix cell of the surveyed contacts answered on local days first..last:
    for each (metric, survey kind), CSAT's counts (`csat_n`, `csat_hits`) or the count, sum
    and sum of squares of the scores (`<metric>_n`, `_sum`, `_squares`); NPS scores each
    response +100, 0 or -100, so its mean is the program's NPS formula."""
    calls = interaction_cells(con, program)
    calls = calls.filter(calls.local_date >= first, calls.local_date <= last)
    s = con.table("surveys")
    j = s.join(calls, [s.source == calls.source, s.interaction_id == calls.interaction_id])
    aggregates = {}
    for metric, kind in metrics:
        mine = j.kind == kind
        if metric == "csat":
            aggregates.update(
                csat_n=j.score.count(where=mine), csat_hits=j.count(where=mine & (j.score >= 4))
            )
        elif metric == "nps":
            # each response as +100 (promoter), -100 (detractor) or 0: their mean is the NPS
            promoters = j.count(where=mine & (j.score >= 9))
            detractors = j.count(where=mine & (j.score <= 6))
            aggregates.update(
                nps_n=j.score.count(where=mine),
                nps_sum=100 * (promoters - detractors),
                nps_squares=10_000 * (promoters + detractors),
            )
        else:
            aggregates.update(
                {
                    f"{metric}_n": j.score.count(where=mine),
                    f"{metric}_sum": j.score.sum(where=mine),
                    f"{metric}_squares": (j.score * j.score).sum(where=mine),
                }
            )
    return j.group_by(["agent_id", "channel", "wait_band", "topic"]).aggregate(**aggregates)


def qa_mix_cells(con: ibis.BaseBackend, program: str, first: dt.date, last: dt.date) -> ir.Table:
    """Per agent and mix cell of the evaluated contacts: the count, sum and sum of squares of
    the QA scores (scored as the KPI scores them) of evaluations on local days first..last."""
    q = con.table("qa_scores")
    q = q.filter(q.program_id == program, q.local_date >= first, q.local_date <= last)
    e = kpis.scored_evaluations(q).drop("agent_id")
    calls = interaction_cells(con, program)
    j = e.join(calls, [e.source == calls.source, e.interaction_id == calls.interaction_id])
    return j.group_by(["agent_id", "channel", "wait_band", "topic"]).aggregate(
        qa_n=j.score.count(), qa_sum=j.score.sum(), qa_squares=(j.score * j.score).sum()
    )
