"""What each kind checks beyond its column types: references to the roster and the program,
kind-specific ranges, and checks across rows (duplicates, overlaps, conflicts).

Reference tables are created by the import service before validation:
`ref_agents(agent_id, program_id)`, `ref_programs(program_id, time_zone, zone_no)`,
`ref_teams(team_id, program_id)`, `ref_interactions(source, interaction_id, program_id)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from upswing.ingest.kinds import SURVEY_RANGES, Column, ColumnType, Kind
from upswing.metrics import CATALOG, Better
from upswing.warehouse.sql import literal as _quote

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Ids name pages and API paths and are compared as they are: no slash or backslash (a path
# separator), no control character (NUL, tab, line breaks). Every other printable character
# is allowed, and encoded in URLs.
ID_COLUMNS = frozenset(
    {"agent_id", "team_id", "program_id", "interaction_id", "evaluation_id", "vendor_id"}
)
ID_FORBIDDEN = r"[/\\\x00-\x1f\x7f]"
# Longest text a column takes, as the operational database stores it (org.models and
# coaching.models); checked before the database so a long value is a row error, not a crash.
MAX_LENGTHS = {
    "name": 200,
    "team_name": 200,
    "program_name": 200,
    "client_name": 200,
    "topic": 200,
    "email": 254,
    "team_lead_email": 254,
    "coach_email": 254,
    "metric": 32,
    "time_zone": 64,
    "source": 200,
    "criterion": 200,
    "category": 200,
    "evaluator": 254,
    "description": 500,
    "version": 50,
    "vendor_name": 200,
    "service_line": 100,
    "currency": 3,
}
ID_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 10_000  # free text: notes, comments


def text_checks(column: Column) -> list:
    """Length (every text column), the id character set (ids) and NUL (any text)."""
    if column.type not in {ColumnType.TEXT, ColumnType.CHOICE, ColumnType.TIME_ZONE}:
        return []
    raw = f"t_{column.name}"
    is_id = column.name in ID_COLUMNS
    limit = ID_MAX_LENGTH if is_id else MAX_LENGTHS.get(column.name, TEXT_MAX_LENGTH)
    out = [_check(column.name, f"longer than {limit:,} characters", f"length({raw}) > {limit}")]
    if is_id:
        out.append(
            Check(
                column.name,
                "an id may not hold a slash, a backslash or a control character",
                f"regexp_matches({raw}, {_quote(ID_FORBIDDEN)})",
                id_rule=True,
            )
        )
    else:
        out.append(_check(column.name, "holds a NUL character", f"contains({raw}, chr(0))"))
    return out


@dataclass(frozen=True, slots=True)
class Check:
    """One check of a row: the column it is reported on, why, and when it fails."""

    column: str
    reason: str
    failed_when: str  # SQL over the stage: `t_<col>`, `p_<col>` and context `c_<name>`
    id_rule: bool = False  # the id character set of `column` (ID_FORBIDDEN)


@dataclass(frozen=True, slots=True)
class Plan:
    context_joins: str = ""
    context_select: str = "NULL AS c_none"
    tz_expr: str = "'UTC'"
    derived: tuple[tuple[str, str], ...] = ()  # (output column, SQL over typed/context columns)
    row_checks: tuple[Check, ...] = ()
    # The timestamp whose day in the program's zone is `local_date`; the context then
    # selects the zone as `c_tz` and its number in `ref_programs` as `c_zone`.
    local_date_of: str | None = None
    # (column, reference table): a row check fails a value of the column (as given) that is
    # not in the table's column of that name (an unknown agent or program).
    references: tuple[tuple[str, str], ...] = ()


def unreferenced_id_rules(con, plan: Plan) -> frozenset[str]:
    """The columns whose id rule a row's other checks already cover: each is checked
    against a reference holding no id the rule forbids, so a value breaking the rule is
    unknown and fails its reference check. Whether a row fails is then the same without the
    rule (a regular expression per value: a second of a 10M-row import per column); the
    rule stays in the row's report."""
    forbidden = _quote(ID_FORBIDDEN)
    return frozenset(
        column
        for column, table in plan.references
        if not con.execute(
            f"SELECT 1 FROM {table} WHERE regexp_matches({column}, {forbidden}) LIMIT 1"
        ).fetchall()
    )


def _check(column: str, reason: str, failed_when: str) -> Check:
    return Check(column, reason, failed_when)


_AGENT_JOINS = (
    "LEFT JOIN ref_agents a ON a.agent_id = raw.r_agent_id "
    "LEFT JOIN ref_programs p ON p.program_id = a.program_id"
)
_UNKNOWN_AGENT = (
    "agent_id",
    "unknown agent: not in the roster (import the roster first)",
    "r_agent_id IS NOT NULL AND c_agent IS NULL",
)


def plan_for(kind: Kind, source: str = "") -> Plan:
    return _PLANS[kind.name](source)


def _interactions(_source: str) -> Plan:
    return Plan(
        context_joins=(
            "LEFT JOIN ref_agents a ON a.agent_id = raw.r_agent_id "
            "LEFT JOIN ref_programs p ON p.program_id = coalesce(raw.r_program_id, a.program_id)"
        ),
        context_select=(
            "a.agent_id AS c_agent, coalesce(raw.r_program_id, a.program_id) AS c_program, "
            "p.program_id AS c_program_known, p.time_zone AS c_tz, p.zone_no AS c_zone"
        ),
        tz_expr="c_tz",
        derived=(("program_id", "c_program"),),
        local_date_of="started_at",
        references=(("agent_id", "ref_agents"), ("program_id", "ref_programs")),
        row_checks=(
            _check(*_UNKNOWN_AGENT),
            _check(
                "program_id",
                "unknown program (not in the roster)",
                "r_program_id IS NOT NULL AND c_program_known IS NULL",
            ),
        ),
    )


def _surveys(source: str) -> Plan:
    checks = [
        _check(
            "interaction_id",
            "unknown interaction: import its interactions (same source) first",
            "r_interaction_id IS NOT NULL AND c_interaction IS NULL",
        )
    ]
    for kind, (low, high) in SURVEY_RANGES.items():
        checks.append(
            _check(
                "score",
                f"a {kind} score is a whole number from {low} to {high}",
                f"t_kind = '{kind}' AND isfinite(t_score) "
                f"AND (t_score < {low} OR t_score > {high} OR t_score <> round(t_score))",
            )
        )
    return Plan(
        context_joins=(
            f"LEFT JOIN ref_interactions i ON i.source = {_quote(source)} "
            "AND i.interaction_id = raw.r_interaction_id "
            "LEFT JOIN ref_programs p ON p.program_id = i.program_id"
        ),
        context_select="i.interaction_id AS c_interaction, p.time_zone AS c_tz",
        tz_expr="coalesce(c_tz, 'UTC')",
        row_checks=tuple(checks),
    )


def _qa(_source: str) -> Plan:
    return Plan(
        context_joins=_AGENT_JOINS,
        context_select=(
            "a.agent_id AS c_agent, a.program_id AS c_program, p.time_zone AS c_tz, "
            "p.zone_no AS c_zone"
        ),
        tz_expr="c_tz",
        derived=(("program_id", "c_program"),),
        local_date_of="evaluated_at",
        references=(("agent_id", "ref_agents"),),
        row_checks=(
            _check(*_UNKNOWN_AGENT),
            _check("max_points", "max_points must be above 0", "t_max_points <= 0"),
            _check("points", "points must not be negative", "t_points < 0"),
            _check("points", "points exceed max_points", "t_points > t_max_points"),
        ),
    )


def _coaching(_source: str) -> Plan:
    codes = ", ".join(_quote(c) for c in CATALOG)
    return Plan(
        context_joins=_AGENT_JOINS,
        context_select="a.agent_id AS c_agent, p.time_zone AS c_tz",
        tz_expr="coalesce(c_tz, 'UTC')",
        row_checks=(
            _check(*_UNKNOWN_AGENT),
            _check(
                "metric",
                f"not a metric of the catalog ({', '.join(CATALOG)})",
                f"r_metric IS NOT NULL AND lower(r_metric) NOT IN ({codes})",
            ),
            _check("coach_email", "not an email address", _bad_email("r_coach_email")),
        ),
    )


def _events(_source: str) -> Plan:
    return Plan(
        context_joins=(
            "LEFT JOIN ref_programs p ON p.program_id = raw.r_program_id "
            "LEFT JOIN ref_teams tm ON tm.team_id = raw.r_team_id"
        ),
        context_select=(
            "p.program_id AS c_program, p.time_zone AS c_tz, tm.team_id AS c_team, "
            "tm.program_id AS c_team_program"
        ),
        tz_expr="coalesce(c_tz, 'UTC')",
        derived=(
            (
                "event_id",
                "md5(concat_ws('|', t_program_id, coalesce(t_team_id, ''), "
                "CAST(t_starts_at AS VARCHAR), t_kind))",
            ),
        ),
        row_checks=(
            _check(
                "program_id", "unknown program", "r_program_id IS NOT NULL AND c_program IS NULL"
            ),
            _check("team_id", "unknown team", "r_team_id IS NOT NULL AND c_team IS NULL"),
            _check(
                "team_id",
                "the team belongs to another program",
                "c_team IS NOT NULL AND c_program IS NOT NULL AND c_team_program <> c_program",
            ),
            _check("ends_at", "ends before it starts", "t_ends_at < t_starts_at"),
        ),
    )


def _targets(_source: str) -> Plan:
    codes = ", ".join(_quote(c) for c in CATALOG)
    higher = ", ".join(_quote(m.code) for m in CATALOG.values() if m.better is Better.HIGHER)
    lower = ", ".join(_quote(m.code) for m in CATALOG.values() if m.better is Better.LOWER)
    metric = "lower(r_metric)"
    return Plan(
        context_joins=(
            "LEFT JOIN ref_programs p ON p.program_id = raw.r_program_id "
            "LEFT JOIN ref_teams tm ON tm.team_id = raw.r_team_id"
        ),
        context_select=(
            "p.program_id AS c_program, tm.team_id AS c_team, tm.program_id AS c_team_program"
        ),
        row_checks=(
            _check(
                "program_id", "unknown program", "r_program_id IS NOT NULL AND c_program IS NULL"
            ),
            _check("team_id", "unknown team", "r_team_id IS NOT NULL AND c_team IS NULL"),
            _check(
                "team_id",
                "the team belongs to another program",
                "c_team IS NOT NULL AND c_program IS NOT NULL AND c_team_program <> c_program",
            ),
            _check(
                "metric",
                f"not a metric of the catalog ({', '.join(CATALOG)})",
                f"r_metric IS NOT NULL AND {metric} NOT IN ({codes})",
            ),
            _check(
                "sla_floor",
                "give an sla_floor, a kpi_target or both",
                "r_sla_floor IS NULL AND r_kpi_target IS NULL",
            ),
            _check(
                "sla_floor",
                "the SLA floor (the minimum) is stricter than the KPI target (the goal)",
                f"({metric} IN ({higher}) AND t_sla_floor > t_kpi_target) OR "
                f"({metric} IN ({lower}) AND t_sla_floor < t_kpi_target)",
            ),
        ),
        derived=(("metric", f"{metric}"),),
    )


def _contracts(_source: str) -> Plan:
    codes = ", ".join(_quote(c) for c in CATALOG)
    judged = ", ".join(_quote(m.code) for m in CATALOG.values() if m.better is not Better.NEITHER)
    lower = ", ".join(_quote(m.code) for m in CATALOG.values() if m.better is Better.LOWER)
    metric = "lower(r_metric)"
    credit = ("r_credit_percent_per_point", "r_credit_cap_percent")
    return Plan(
        context_joins="LEFT JOIN ref_programs p ON p.program_id = raw.r_program_id",
        context_select="p.program_id AS c_program",
        row_checks=(
            _check(
                "program_id", "unknown program", "r_program_id IS NOT NULL AND c_program IS NULL"
            ),
            _check(
                "metric",
                f"not a metric of the catalog ({', '.join(CATALOG)})",
                f"r_metric IS NOT NULL AND {metric} NOT IN ({codes})",
            ),
            _check(
                "metric",
                "volume has no better direction: it takes no floor",
                f"{metric} IN ({codes}) AND {metric} NOT IN ({judged})",
            ),
            _check(
                "target",
                "the target is worse than the floor",
                f"({metric} IN ({lower}) AND t_target > t_floor) OR "
                f"({metric} NOT IN ({lower}) AND t_target < t_floor)",
            ),
            _check(
                credit[0],
                "give credit_percent_per_point and credit_cap_percent together",
                f"({credit[0]} IS NULL) <> ({credit[1]} IS NULL)",
            ),
            _check(
                "credit_cap_percent",
                "must be above 0 and at most 100",
                "t_credit_cap_percent <= 0 OR t_credit_cap_percent > 100",
            ),
            *(
                _check(name, "must be above 0", f"t_{name} <= 0")
                for name in ("credit_percent_per_point", "credit_points_per_step")
            ),
            *(
                _check(name, "must be a whole number from 1 to 36", _not_count(name))
                for name in ("corrective_after", "review_after", "rolling_months")
            ),
            _check(
                "review_after",
                "must be more breaches than corrective_after",
                "t_review_after <= coalesce(t_corrective_after, 2)",
            ),
            _check("monthly_fee", "may not be negative", "t_monthly_fee < 0"),
        ),
        derived=(("metric", f"{metric}"),),
    )


def _not_count(name: str) -> str:
    return (
        f"t_{name} IS NOT NULL AND (t_{name} <> floor(t_{name}) OR t_{name} NOT BETWEEN 1 AND 36)"
    )


def _roster(_source: str) -> Plan:
    return Plan(
        context_joins=(
            "LEFT JOIN ref_teams tm ON tm.team_id = raw.r_team_id "
            "LEFT JOIN ref_programs p ON p.program_id = raw.r_program_id"
        ),
        context_select="tm.program_id AS c_team_program, p.program_id AS c_program_known",
        row_checks=(
            _check(
                "time_zone",
                "no time zone for a new program: add a time_zone column or give one with "
                "--time-zone (naive times are read in it)",
                "r_time_zone IS NULL AND c_program_known IS NULL",
            ),
            _check(
                "team_id",
                "the team already belongs to another program",
                "c_team_program IS NOT NULL AND c_team_program <> r_program_id",
            ),
            _check("end_date", "ends before it starts", "t_end_date < t_start_date"),
            _check("email", "not an email address", _bad_email("r_email")),
            _check("team_lead_email", "not an email address", _bad_email("r_team_lead_email")),
        ),
    )


def _bad_email(raw: str) -> str:
    return f"{raw} IS NOT NULL AND NOT regexp_matches({raw}, {_quote(EMAIL)})"


_PLANS = {
    "interactions": _interactions,
    "surveys": _surveys,
    "qa": _qa,
    "coaching": _coaching,
    "events": _events,
    "targets": _targets,
    "contracts": _contracts,
    "roster": _roster,
}


def cross_row_sql(kind: Kind, stage: str) -> str:
    """Problems that need more than one row: (line, column, value, reason) rows."""
    parts = [_duplicates_sql(kind, stage)]
    parts += [sql.format(stage=stage) for sql in _CROSS_ROW.get(kind.name, ())]
    return " UNION ALL ".join(parts)


def cross_row_count_sql(kind: Kind, stage: str, *, screen: bool = False) -> str:
    """How many cross-row problems `stage` has, without needing line numbers (a valid file is
    checked before lines are counted).

    With `screen` (over stored rows, which have no `_line`), duplicates are counted by the
    64-bit hash of their keys, much cheaper than the strings: 0 still means there are none,
    but a hash collision can count a duplicate that is not there (never miss one), so more
    than 0 means: check the file row by row."""
    keys = ", ".join(f'"{k}"' for k in kind.key)
    duplicates = (
        f"SELECT count(*) - count(DISTINCT hash({keys})) AS n FROM {stage} r"
        if screen
        else f"SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n FROM {stage} "
        f"GROUP BY {keys} HAVING count(*) > 1) d"
    )
    with_lines = f"(SELECT *, NULL::BIGINT AS _line FROM {stage} s)" if screen else stage
    others = [
        f"SELECT count(*) AS n FROM ({sql.format(stage=with_lines)}) x"
        for sql in _CROSS_ROW.get(kind.name, ())
    ]
    return f"SELECT sum(n) FROM ({' UNION ALL '.join([duplicates, *others])}) c"


def _duplicates_sql(kind: Kind, stage: str) -> str:
    keys = [f'"{k}"' for k in kind.key]
    on = " AND ".join(f"s.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
    value = "concat_ws(' / ', " + ", ".join(f"CAST(s.{k} AS VARCHAR)" for k in keys) + ")"
    return (
        f"SELECT s._line AS line, {_quote(' + '.join(kind.key))} AS column, {value} AS value, "
        "'duplicate within the file (first on line ' || d.first_line || ')' AS reason "
        f"FROM {stage} s JOIN (SELECT {', '.join(keys)}, min(_line) AS first_line FROM {stage} "
        f"GROUP BY ALL HAVING count(*) > 1) d ON {on} WHERE s._line <> d.first_line"
    )


_CROSS_ROW = {
    "roster": (
        # One team, one program.
        "SELECT s._line, 'program_id', s.program_id, 'team ' || s.team_id || ' is also listed "
        "under program ' || o.program_id FROM {stage} s JOIN (SELECT team_id, min(program_id) "
        "AS program_id FROM {stage} GROUP BY team_id HAVING count(DISTINCT program_id) > 1) o "
        "ON o.team_id = s.team_id WHERE s.program_id <> o.program_id",
        # An agent is on one team at a time.
        "SELECT b._line, 'start_date', CAST(b.start_date AS VARCHAR), 'overlaps the membership "
        "of ' || a.agent_id || ' on team ' || a.team_id || ' (line ' || a._line || ')' "
        "FROM {stage} a JOIN {stage} b ON a.agent_id = b.agent_id AND a._line < b._line "
        "AND coalesce(a.start_date, DATE '0001-01-01') <= coalesce(b.end_date, DATE '9999-12-31') "
        "AND coalesce(b.start_date, DATE '0001-01-01') <= coalesce(a.end_date, DATE '9999-12-31')",
    ),
    "qa": (
        "SELECT s._line, 'evaluation_id', s.evaluation_id, 'the rows of one evaluation disagree "
        "on agent, interaction or time' FROM {stage} s JOIN (SELECT evaluation_id FROM {stage} "
        "GROUP BY evaluation_id HAVING count(DISTINCT (agent_id, interaction_id, evaluated_at)) "
        "> 1) e USING (evaluation_id)",
    ),
}
