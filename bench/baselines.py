"""Hand-written baselines for the agent-week scorecard (`upswing.warehouse.kpis.scorecard`).

`agent_week_sql` is the query a good DuckDB author writes by hand; `agent_week_pandas` is the
same computation in idiomatic pandas. Both return the scorecard's long table (same columns,
same semantics) so `make bench` can compare the Ibis expression with them and check the rows.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

DEFAULT_SERVICE_LEVEL_SECONDS = 20.0
LONG_COLUMNS = [
    "level", "entity_id", "team_id", "program_id", "period_kind", "period_start",
    "metric", "numerator", "n", "value", "sd",
]  # fmt: skip

# The aggregates and the evaluations every hand-written scorecard below shares.
_CALL_AGGREGATES = """
    COUNT(*) FILTER (answered) AS volume_n,
    SUM(handle_seconds) FILTER (answered) AS aht_num,
    COUNT(handle_seconds) FILTER (answered) AS aht_n,
    STDDEV_SAMP(handle_seconds) FILTER (answered) AS aht_sd,
    COUNT(*) FILTER (answered AND resolved AND NOT COALESCE(reopened, FALSE)) AS fcr_num,
    COUNT(resolved) FILTER (answered) AS fcr_n,
    COUNT(*) FILTER (answered AND escalated) AS escalation_num,
    COUNT(escalated) FILTER (answered) AS escalation_n,
    COUNT(*) FILTER (answered AND reopened) AS reopen_num,
    COUNT(reopened) FILTER (answered) AS reopen_n,
    SUM(wait_seconds) FILTER (answered) AS wait_num,
    COUNT(wait_seconds) FILTER (answered) AS wait_n,
    STDDEV_SAMP(wait_seconds) FILTER (answered) AS wait_sd,
    COUNT(*) FILTER (answered AND wait_seconds <= sl_seconds) AS service_level_num,
    COUNT(*) FILTER (NOT answered OR wait_seconds IS NOT NULL) AS service_level_n,
    COUNT(*) FILTER (NOT answered) AS abandonment_num,
    COUNT(*) AS abandonment_n"""[1:]
_SURVEY_AGGREGATES = """
    COUNT(*) FILTER (s.kind = 'csat' AND s.score >= 4) AS csat_num,
    COUNT(s.score) FILTER (s.kind = 'csat') AS csat_n,
    SUM(s.score) FILTER (s.kind = 'csat') AS csat_score_num,
    STDDEV_SAMP(s.score) FILTER (s.kind = 'csat') AS csat_score_sd,
    100 * (COUNT(*) FILTER (s.kind = 'nps' AND s.score >= 9)
           - COUNT(*) FILTER (s.kind = 'nps' AND s.score <= 6)) AS nps_num,
    COUNT(s.score) FILTER (s.kind = 'nps') AS nps_n,
    SUM(s.score) FILTER (s.kind = 'ces') AS ces_num,
    COUNT(s.score) FILTER (s.kind = 'ces') AS ces_n,
    STDDEV_SAMP(s.score) FILTER (s.kind = 'ces') AS ces_sd"""[1:]
_EVALUATIONS = """
evaluations AS (
  SELECT source, evaluation_id,
    MAX(agent_id) AS agent_id, MAX(program_id) AS program_id, MAX(local_date) AS local_date,
    CASE WHEN BOOL_OR(COALESCE(critical, FALSE) AND points < max_points) THEN 0.0
         ELSE 100 * SUM(points) / NULLIF(SUM(max_points), 0) END AS score
  FROM qa_scores GROUP BY source, evaluation_id"""[1:]

AGENT_WEEK_SQL = f"""
WITH
memberships_effective AS (  -- a later membership cuts an overlapping earlier one short
  SELECT agent_id, team_id, program_id, start_date,
         LEAST(COALESCE(end_date, DATE '9999-12-31'),
               COALESCE(LEAD(start_date) OVER (PARTITION BY agent_id ORDER BY start_date, team_id)
                        - 1, DATE '9999-12-31')) AS end_date
  FROM memberships
),
calls AS (
  SELECT i.source, i.interaction_id, i.agent_id, i.program_id, i.local_date,
         DATE_TRUNC('week', i.local_date)::DATE AS period_start,
         COALESCE(i.answered, TRUE) AS answered,
         i.handle_seconds, i.wait_seconds, i.resolved, i.reopened, i.escalated,
         COALESCE(p.service_level_seconds, {DEFAULT_SERVICE_LEVEL_SECONDS}) AS sl_seconds
  FROM interactions i LEFT JOIN programs p ON p.program_id = i.program_id
),
calls_agg AS (
  SELECT agent_id, period_start,
    MAX(local_date) AS last_day, MAX(program_id) AS some_program,
{_CALL_AGGREGATES}
  FROM calls GROUP BY agent_id, period_start
),
surveys_agg AS (
  SELECT c.agent_id, c.period_start,
{_SURVEY_AGGREGATES}
  FROM surveys s
  JOIN (  -- not the `calls` CTE: a CTE read twice is materialized, every call held in memory
    SELECT source, interaction_id, agent_id, DATE_TRUNC('week', local_date)::DATE AS period_start
    FROM interactions WHERE COALESCE(answered, TRUE)
  ) c ON c.source = s.source AND c.interaction_id = s.interaction_id
  GROUP BY c.agent_id, c.period_start
),
{_EVALUATIONS}
),
qa_agg AS (
  SELECT agent_id, DATE_TRUNC('week', local_date)::DATE AS period_start,
    MAX(local_date) AS last_day, MAX(program_id) AS some_program,
    SUM(score) AS qa_num, COUNT(score) AS qa_n, STDDEV_SAMP(score) AS qa_sd
  FROM evaluations GROUP BY ALL
),
agent_periods AS (  -- team and program: the membership covering the agent's latest activity
  SELECT a.agent_id, a.period_start, m.team_id, COALESCE(m.program_id, a.some_program) AS program_id
  FROM (
    SELECT agent_id, period_start,
           COALESCE(c.last_day, q.last_day) AS last_day,
           COALESCE(c.some_program, q.some_program) AS some_program
    FROM calls_agg c FULL JOIN qa_agg q USING (agent_id, period_start)
  ) a
  LEFT JOIN memberships_effective m
    ON m.agent_id = a.agent_id AND a.last_day BETWEEN m.start_date AND m.end_date
),
long AS (
  SELECT c.agent_id, c.period_start, u.*
  FROM calls_agg c, LATERAL (VALUES
    ('volume', volume_n::DOUBLE, volume_n, NULL::DOUBLE),
    ('aht', aht_num, aht_n, aht_sd),
    ('fcr', fcr_num, fcr_n, NULL),
    ('escalation', escalation_num, escalation_n, NULL),
    ('reopen', reopen_num, reopen_n, NULL),
    ('wait', wait_num, wait_n, wait_sd),
    ('service_level', service_level_num, service_level_n, NULL),
    ('abandonment', abandonment_num, abandonment_n, NULL)
  ) u(metric, numerator, n, sd)
  UNION ALL
  SELECT s.agent_id, s.period_start, u.*
  FROM surveys_agg s, LATERAL (VALUES
    ('csat', csat_num::DOUBLE, csat_n, NULL::DOUBLE),
    ('csat_score', csat_score_num, csat_n, csat_score_sd),
    ('nps', nps_num, nps_n, NULL),
    ('ces', ces_num, ces_n, ces_sd)
  ) u(metric, numerator, n, sd)
  UNION ALL
  SELECT agent_id, period_start, 'qa', qa_num, qa_n, qa_sd FROM qa_agg
)
SELECT 'agent' AS level, l.agent_id AS entity_id, d.team_id, d.program_id,
  'week' AS period_kind, l.period_start, l.metric,
  l.numerator::DOUBLE AS numerator, l.n::BIGINT AS n,
  CASE WHEN l.metric = 'volume' THEN l.n::DOUBLE
       WHEN l.metric IN ('fcr', 'csat', 'escalation', 'reopen', 'service_level', 'abandonment')
         THEN 100 * l.numerator / l.n
       ELSE l.numerator / l.n END AS value,
  l.sd::DOUBLE AS sd
FROM long l JOIN agent_periods d USING (agent_id, period_start)
WHERE l.n > 0
"""


def agent_week_sql(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The agent-week scorecard by hand-written DuckDB SQL over the warehouse tables."""
    return con.sql(AGENT_WEEK_SQL).to_arrow_table()


# --- every level and period ---------------------------------------------------------------

PERIOD_UNITS = {"week": "week", "month": "month"}
GROUP_LEVELS = ("program", "team")


def scorecard_sql(level: str, period: str) -> str:
    """The long scorecard of `level` (agent, team, program) x `period` (week, month) by hand:
    what `upswing refresh --full` computes for the same levels and periods, without the
    parts of a blended agent's period, intervals, baselines or statuses."""
    unit = PERIOD_UNITS[period]
    if level == "agent":
        return AGENT_WEEK_SQL.replace("DATE_TRUNC('week'", f"DATE_TRUNC('{unit}'").replace(
            "'week' AS period_kind", f"'{period}' AS period_kind"
        )
    if level not in GROUP_LEVELS:
        raise ValueError(f"no level {level!r}")
    team = level == "team"
    # A team counts the facts of the days its membership covers (an inner join); a program
    # the facts that carry its id.
    covered = (
        "JOIN memberships_effective m ON m.agent_id = {t}.agent_id "
        "AND {t}.local_date BETWEEN m.start_date AND m.end_date"
    )
    entity = "m.team_id" if team else "{t}.program_id"
    program = "m.program_id" if team else "{t}.program_id"
    join = covered if team else ""

    def owner(t: str) -> str:
        return f"{entity.format(t=t)} AS entity_id, {program.format(t=t)} AS program_id"

    return f"""
WITH
memberships_effective AS (
  SELECT agent_id, team_id, program_id, start_date,
         LEAST(COALESCE(end_date, DATE '9999-12-31'),
               COALESCE(LEAD(start_date) OVER (PARTITION BY agent_id ORDER BY start_date, team_id)
                        - 1, DATE '9999-12-31')) AS end_date
  FROM memberships
),
calls AS (
  SELECT {owner("i")}, DATE_TRUNC('{unit}', i.local_date)::DATE AS period_start,
         COALESCE(i.answered, TRUE) AS answered,
         i.handle_seconds, i.wait_seconds, i.resolved, i.reopened, i.escalated,
         COALESCE(p.service_level_seconds, {DEFAULT_SERVICE_LEVEL_SECONDS}) AS sl_seconds
  FROM interactions i LEFT JOIN programs p ON p.program_id = i.program_id
  {join.format(t="i")}
),
calls_agg AS (
  SELECT entity_id, program_id, period_start,
{_CALL_AGGREGATES}
  FROM calls GROUP BY ALL
),
surveys_agg AS (
  SELECT {owner("c")}, DATE_TRUNC('{unit}', c.local_date)::DATE AS period_start,
{_SURVEY_AGGREGATES}
  FROM surveys s
  JOIN (
    SELECT source, interaction_id, agent_id, program_id, local_date
    FROM interactions WHERE COALESCE(answered, TRUE)
  ) c ON c.source = s.source AND c.interaction_id = s.interaction_id
  {join.format(t="c")}
  GROUP BY ALL
),
{_EVALUATIONS}
),
qa_agg AS (
  SELECT {owner("e")}, DATE_TRUNC('{unit}', e.local_date)::DATE AS period_start,
    SUM(score) AS qa_num, COUNT(score) AS qa_n, STDDEV_SAMP(score) AS qa_sd
  FROM evaluations e
  {join.format(t="e")}
  GROUP BY ALL
),
long AS (
  SELECT c.entity_id, c.program_id, c.period_start, u.*
  FROM calls_agg c, LATERAL (VALUES
    ('volume', volume_n::DOUBLE, volume_n, NULL::DOUBLE),
    ('aht', aht_num, aht_n, aht_sd),
    ('fcr', fcr_num, fcr_n, NULL),
    ('escalation', escalation_num, escalation_n, NULL),
    ('reopen', reopen_num, reopen_n, NULL),
    ('wait', wait_num, wait_n, wait_sd),
    ('service_level', service_level_num, service_level_n, NULL),
    ('abandonment', abandonment_num, abandonment_n, NULL)
  ) u(metric, numerator, n, sd)
  UNION ALL
  SELECT s.entity_id, s.program_id, s.period_start, u.*
  FROM surveys_agg s, LATERAL (VALUES
    ('csat', csat_num::DOUBLE, csat_n, NULL::DOUBLE),
    ('csat_score', csat_score_num, csat_n, csat_score_sd),
    ('nps', nps_num, nps_n, NULL),
    ('ces', ces_num, ces_n, ces_sd)
  ) u(metric, numerator, n, sd)
  UNION ALL
  SELECT entity_id, program_id, period_start, 'qa', qa_num, qa_n, qa_sd FROM qa_agg
)
SELECT '{level}' AS level, l.entity_id, {"l.entity_id" if team else "NULL::VARCHAR"} AS team_id,
  l.program_id, '{period}' AS period_kind, l.period_start, l.metric,
  l.numerator::DOUBLE AS numerator, l.n::BIGINT AS n,
  CASE WHEN l.metric = 'volume' THEN l.n::DOUBLE
       WHEN l.metric IN ('fcr', 'csat', 'escalation', 'reopen', 'service_level', 'abandonment')
         THEN 100 * l.numerator / l.n
       ELSE l.numerator / l.n END AS value,
  l.sd::DOUBLE AS sd
FROM long l
WHERE l.n > 0 AND l.entity_id IS NOT NULL
"""


def all_levels_sql(con: duckdb.DuckDBPyConnection) -> int:
    """Every level's week and month scorecard by hand-written SQL; the rows it returns."""
    rows = 0
    for level in ("agent", *GROUP_LEVELS):
        for period in PERIOD_UNITS:
            rows += con.sql(scorecard_sql(level, period)).to_arrow_table().num_rows
    return rows


# --- pandas ---------------------------------------------------------------------------------

_SHARES = ("fcr", "csat", "escalation", "reopen", "service_level", "abandonment")
_KEYS = ["agent_id", "period_start"]


def agent_week_pandas(
    interactions: pd.DataFrame,
    surveys: pd.DataFrame,
    qa_scores: pd.DataFrame,
    memberships: pd.DataFrame,
    programs: pd.DataFrame,
) -> pd.DataFrame:
    """The agent-week scorecard in idiomatic pandas (columns: LONG_COLUMNS)."""
    calls = _calls(interactions, programs)
    calls_wide = _calls_wide(calls)
    surveys_wide = _surveys_wide(calls, surveys)
    qa_wide = _qa_wide(qa_scores)
    long = pd.concat(
        [_melt(calls_wide, _CALL_MEASURES), _melt(surveys_wide, _SURVEY_MEASURES),
         _melt(qa_wide, {"qa": ("qa_num", "qa_n", "qa_sd")})],
        ignore_index=True,
    )  # fmt: skip
    long = long[long["n"] > 0]
    long = long.merge(_agent_periods(calls_wide, qa_wide, memberships), on=_KEYS)
    return _finish(long)


def _week_start(day: pd.Series) -> pd.Series:
    day = pd.to_datetime(day)
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def _calls(interactions: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    thresholds = programs.set_index("program_id")["service_level_seconds"].astype("float64")
    calls = interactions.assign(
        local_date=pd.to_datetime(interactions["local_date"]),
        period_start=_week_start(interactions["local_date"]),
        answered=interactions["answered"].astype("boolean").fillna(True).astype(bool),
        sl_seconds=interactions["program_id"].map(thresholds).fillna(DEFAULT_SERVICE_LEVEL_SECONDS),
    )
    for flag in ("resolved", "reopened", "escalated"):
        calls[flag] = calls[flag].astype("boolean")
    return calls


def _calls_wide(calls: pd.DataFrame) -> pd.DataFrame:
    ans = calls["answered"]
    wait = calls["wait_seconds"].astype("float64")
    c = calls.assign(
        volume=ans.astype(int),
        aht_x=calls["handle_seconds"].astype("float64").where(ans),
        fcr_hit=ans & calls["resolved"].fillna(False) & ~calls["reopened"].fillna(False),
        fcr_known=ans & calls["resolved"].notna(),
        escalation_hit=ans & calls["escalated"].fillna(False),
        escalation_known=ans & calls["escalated"].notna(),
        reopen_hit=ans & calls["reopened"].fillna(False),
        reopen_known=ans & calls["reopened"].notna(),
        wait_x=wait.where(ans),
        sl_hit=ans & (wait <= calls["sl_seconds"]),
        sl_offered=~ans | wait.notna(),
        abandoned=~ans,
    )
    return c.groupby(_KEYS).agg(
        last_day=("local_date", "max"), some_program=("program_id", "max"),
        volume_n=("volume", "sum"),
        aht_num=("aht_x", "sum"), aht_n=("aht_x", "count"), aht_sd=("aht_x", "std"),
        fcr_num=("fcr_hit", "sum"), fcr_n=("fcr_known", "sum"),
        escalation_num=("escalation_hit", "sum"), escalation_n=("escalation_known", "sum"),
        reopen_num=("reopen_hit", "sum"), reopen_n=("reopen_known", "sum"),
        wait_num=("wait_x", "sum"), wait_n=("wait_x", "count"), wait_sd=("wait_x", "std"),
        service_level_num=("sl_hit", "sum"), service_level_n=("sl_offered", "sum"),
        abandonment_num=("abandoned", "sum"), abandonment_n=("abandoned", "size"),
    ).reset_index()  # fmt: skip


def _surveys_wide(calls: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    answered = calls.loc[calls["answered"], ["source", "interaction_id", *_KEYS]]
    s = surveys.merge(answered, on=["source", "interaction_id"])
    score, kind = s["score"].astype("float64"), s["kind"]
    nps = score.where(kind == "nps")
    s = s.assign(
        csat_x=score.where(kind == "csat"),
        csat_good=(kind == "csat") & (score >= 4),
        nps_x=nps,
        nps_net=np.select([nps >= 9, nps <= 6], [100, -100], 0),
        ces_x=score.where(kind == "ces"),
    )
    return s.groupby(_KEYS).agg(
        csat_num=("csat_good", "sum"), csat_n=("csat_x", "count"),
        csat_score_num=("csat_x", "sum"), csat_score_sd=("csat_x", "std"),
        nps_num=("nps_net", "sum"), nps_n=("nps_x", "count"),
        ces_num=("ces_x", "sum"), ces_n=("ces_x", "count"), ces_sd=("ces_x", "std"),
    ).reset_index()  # fmt: skip


def _qa_wide(qa_scores: pd.DataFrame) -> pd.DataFrame:
    q = qa_scores.assign(
        failed=qa_scores["critical"].astype("boolean").fillna(False)
        & (qa_scores["points"] < qa_scores["max_points"]),
        local_date=pd.to_datetime(qa_scores["local_date"]),
    )
    ev = q.groupby(["source", "evaluation_id"]).agg(
        agent_id=("agent_id", "max"), program_id=("program_id", "max"),
        local_date=("local_date", "max"), failed=("failed", "any"),
        points=("points", "sum"), max_points=("max_points", "sum"),
    )  # fmt: skip
    percent = 100 * ev["points"] / ev["max_points"].where(ev["max_points"] != 0)
    ev = ev.assign(
        score=percent.where(~ev["failed"], 0.0), period_start=_week_start(ev["local_date"])
    )
    return ev.groupby(_KEYS).agg(
        last_day=("local_date", "max"), some_program=("program_id", "max"),
        qa_num=("score", "sum"), qa_n=("score", "count"), qa_sd=("score", "std"),
    ).reset_index()  # fmt: skip


_CALL_MEASURES = {
    "volume": ("volume_n", "volume_n", None),
    "aht": ("aht_num", "aht_n", "aht_sd"),
    "fcr": ("fcr_num", "fcr_n", None),
    "escalation": ("escalation_num", "escalation_n", None),
    "reopen": ("reopen_num", "reopen_n", None),
    "wait": ("wait_num", "wait_n", "wait_sd"),
    "service_level": ("service_level_num", "service_level_n", None),
    "abandonment": ("abandonment_num", "abandonment_n", None),
}
_SURVEY_MEASURES = {
    "csat": ("csat_num", "csat_n", None),
    "csat_score": ("csat_score_num", "csat_n", "csat_score_sd"),
    "nps": ("nps_num", "nps_n", None),
    "ces": ("ces_num", "ces_n", "ces_sd"),
}


def _melt(wide: pd.DataFrame, measures: dict[str, tuple[str, str, str | None]]) -> pd.DataFrame:
    parts = [
        pd.DataFrame({
            "agent_id": wide["agent_id"], "period_start": wide["period_start"], "metric": metric,
            "numerator": wide[num].astype("float64"), "n": wide[n].astype("int64"),
            "sd": wide[sd].astype("float64") if sd else np.nan,
        })
        for metric, (num, n, sd) in measures.items()
    ]  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _agent_periods(calls_wide, qa_wide, memberships) -> pd.DataFrame:
    """Team and program of the membership covering each agent-week's latest activity day."""
    cols = [*_KEYS, "last_day", "some_program"]
    active = calls_wide[cols].merge(qa_wide[cols], on=_KEYS, how="outer", suffixes=("", "_qa"))
    active["last_day"] = active["last_day"].fillna(active["last_day_qa"])
    active["some_program"] = active["some_program"].fillna(active["some_program_qa"])
    m = memberships.assign(
        start_date=pd.to_datetime(memberships["start_date"]),
        end_date=pd.to_datetime(memberships["end_date"]),
    ).sort_values(["agent_id", "start_date", "team_id"])
    m["next_start"] = m.groupby("agent_id")["start_date"].shift(-1)
    pairs = active[[*_KEYS, "last_day"]].merge(m, on="agent_id")
    day = pairs["last_day"]
    covered = pairs[
        (day >= pairs["start_date"])
        & (pairs["end_date"].isna() | (day <= pairs["end_date"]))
        & (pairs["next_start"].isna() | (day < pairs["next_start"]))
    ]
    active = active.merge(covered[[*_KEYS, "team_id", "program_id"]], on=_KEYS, how="left")
    active["program_id"] = active["program_id"].fillna(active["some_program"])
    return active[[*_KEYS, "team_id", "program_id"]]


def _finish(long: pd.DataFrame) -> pd.DataFrame:
    ratio = long["numerator"] / long["n"]
    value = np.where(long["metric"].isin(_SHARES), 100 * ratio, ratio)
    long = long.assign(
        level="agent",
        entity_id=long["agent_id"],
        period_kind="week",
        period_start=long["period_start"].dt.date,
        value=np.where(long["metric"] == "volume", long["n"].astype("float64"), value),
    )
    return long[LONG_COLUMNS].reset_index(drop=True)
