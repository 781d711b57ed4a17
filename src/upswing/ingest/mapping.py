"""Column mappings: turn any export's columns into a canonical kind, declared in TOML.

A mapping is data, never code: each canonical column is taken from a source column (or
several joined), a constant, or a conversion from a fixed list. It compiles to one DuckDB
SELECT over the raw text columns, with every name and literal quoted. A conversion that
cannot be applied to a row (a timestamp that does not parse, a score outside its declared
scale) is a flag column `c_m<n>` next to the values, which the validator reports as that
row's problem with the canonical column's name. docs/import.md describes every key.

```toml
source = "pwc"                      # the default --source for rows imported with this file

[interactions]
drop_rows_without = []              # skip rows whose mapped value is empty (counted)
distinct = false                    # keep one row per identical mapped row (e.g. a roster)

[interactions.columns]
interaction_id = "Call Id"
started_at = { from = ["Date", "Time"], parse = "%d-%b-%y %H:%M" }
handle_seconds = { from = "AvgTalkDuration", parse = "hms" }
channel = { value = "voice" }
score = { from = "Satisfaction rating", null_if = ["0"] }
wait_seconds = { between = ["Offered", "Answered"], parse = "%d/%m/%Y %H:%M:%S" }
hold_seconds = { from = "Hold (min)", unit = "minutes", default = "0" }
score = { from = "Rating", map = { good = "3", neutral = "2", bad = "1" }, scale = [1, 3] }
```
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from upswing.ingest.kinds import SURVEY_RANGES, Kind
from upswing.warehouse.sql import ident, literal

# Seconds per unit a number may be given in (`unit = "minutes"`, or the older `parse`).
UNITS = {
    "ms": 0.001,
    "milliseconds": 0.001,
    "s": 1,
    "seconds": 1,
    "min": 60,
    "minutes": 60,
    "h": 3600,
    "hours": 3600,
    "d": 86400,
    "days": 86400,
}
# Conversions `parse` may name besides a strptime format; each yields text the validator types.
UNIT_PARSERS = {"hms", "hours", "minutes", "milliseconds"}
RULE_KEYS = {"from", "value", "join", "parse", "null_if", "map", "between", "unit", "scale", "to"}
RULE_KEYS |= {"default"}


class MappingError(ValueError):
    """The mapping file itself is wrong: says which key and why."""


@dataclass(frozen=True, slots=True)
class ColumnRule:
    target: str
    sources: tuple[str, ...] = ()
    constant: str | None = None
    join: str = " "
    parse: str | None = None  # a strptime format, or one of UNIT_PARSERS
    null_if: tuple[str, ...] = ()
    value_map: tuple[tuple[str, str], ...] = ()
    between: bool = False  # seconds from sources[0] to sources[1], two timestamps
    unit: str | None = None  # a key of UNITS
    scale: tuple[float, float] | None = None  # the declared scale of the source's numbers
    to: tuple[float, float] | None = None  # the scale to convert to (surveys: the kind's)
    default: str | None = None  # the value when the source (or the result) is empty


@dataclass(frozen=True, slots=True)
class MappingCheck:
    """A row whose `flag` column is true fails: `reason` is said of canonical `column`."""

    column: str
    reason: str
    flag: str
    condition: str = "false"  # SQL over the file's text columns


@dataclass(frozen=True, slots=True)
class KindMapping:
    kind: str
    rules: tuple[ColumnRule, ...]
    drop_rows_without: tuple[str, ...] = ()
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class Mapping:
    path: Path
    source: str | None
    kinds: dict[str, KindMapping] = field(default_factory=dict)
    # The plausible dates of this export when they differ from the default (an archive).
    dates_from: dt.date | None = None
    dates_until: dt.date | None = None

    def for_kind(self, kind: str) -> KindMapping:
        try:
            return self.kinds[kind]
        except KeyError:
            have = ", ".join(sorted(self.kinds)) or "none"
            raise MappingError(
                f"{self.path.name}: no [{kind}] section (this mapping has: {have})"
            ) from None


def load_mapping(path: Path) -> Mapping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path.name}: cannot be read as TOML: {exc}") from exc
    return parse_mapping(path, data)


def parse_mapping(path: Path, data: dict) -> Mapping:
    """A mapping from its parsed TOML (`path` names it in messages); `data` is consumed."""
    source = data.pop("source", None)
    data.pop("description", None)
    dates = {key: _date_setting(path, key, data.pop(key, None)) for key in DATE_SETTINGS}
    kinds = {
        name: _parse_kind(path, name, section)
        for name, section in data.items()
        if isinstance(section, dict)
    }
    return Mapping(path, str(source) if source else None, kinds, **dates)


DATE_SETTINGS = ("dates_from", "dates_until")


def _date_setting(path: Path, key: str, value) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise MappingError(f"{path.name}: `{key}` must be a date (YYYY-MM-DD)") from None


def _parse_kind(path: Path, name: str, section: dict) -> KindMapping:
    columns = section.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(f"{path.name}: [{name}.columns] is missing or empty")
    rules = tuple(_parse_rule(path, name, target, spec) for target, spec in columns.items())
    drop = _names(path, f"[{name}] drop_rows_without", section.get("drop_rows_without", ()))
    unmapped = sorted(set(drop) - {r.target for r in rules})
    if unmapped:
        raise MappingError(
            f"{path.name}: [{name}] drop_rows_without names {unmapped}, which [{name}.columns] "
            "does not map"
        )
    return KindMapping(
        kind=name,
        rules=rules,
        drop_rows_without=drop,
        distinct=bool(section.get("distinct", False)),
    )


def _names(path: Path, where: str, value: object) -> tuple[str, ...]:
    """A TOML string or list of strings as a tuple (a lone string is one name, not letters)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        return tuple(str(v) for v in value)
    raise MappingError(f"{path.name}: {where}: write a name or a list of names")


def _parse_rule(path: Path, kind: str, target: str, spec: object) -> ColumnRule:
    where = f"{path.name}: [{kind}.columns] {target}"
    if isinstance(spec, str):
        return ColumnRule(target, sources=(spec,))
    if not isinstance(spec, dict):
        raise MappingError(f'{where}: write a column name or a table like {{ from = "Col" }}')
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(RULE_KEYS)})")
    given = [key for key in ("from", "value", "between") if key in spec]
    if len(given) != 1:
        raise MappingError(
            f"{where}: give exactly one of `from` (column), `between` (two timestamp columns) "
            "or `value` (constant)"
        )
    if "value" in spec:
        return ColumnRule(target=target, constant=str(spec["value"]))
    between = "between" in spec
    sources = _names(path, f"[{kind}.columns] {target}: {given[0]}", spec[given[0]])
    if not sources:
        raise MappingError(f"{where}: `{given[0]}` names no column")
    if between and len(sources) != 2:
        raise MappingError(
            f'{where}: `between` names two columns, the start and the end: ["Offered", "Answered"]'
        )
    value_map = spec.get("map", {})
    if not isinstance(value_map, dict):
        raise MappingError(f"{where}: `map` must be a table of source value = canonical value")
    return ColumnRule(
        target=target,
        sources=sources,
        join=str(spec.get("join", " ")),
        parse=_parse_option(where, spec.get("parse"), between=between),
        null_if=_names(path, f"[{kind}.columns] {target}: null_if", spec.get("null_if", ())),
        value_map=tuple((str(k), str(v)) for k, v in value_map.items()),
        between=between,
        unit=_unit(where, spec.get("unit")),
        scale=_range(where, "scale", spec.get("scale")),
        to=_range(where, "to", spec.get("to")),
        default=None if spec.get("default") is None else str(spec["default"]),
    )


def _unit(where: str, unit: object) -> str | None:
    if unit is None:
        return None
    if not isinstance(unit, str) or unit.lower() not in UNITS:
        raise MappingError(f"{where}: unit {unit!r} is not one of {', '.join(UNITS)}")
    return unit.lower()


def _range(where: str, key: str, value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and value[0] < value[1]
    )
    if not ok:
        raise MappingError(f"{where}: {key} is [lowest, highest], e.g. [1, 3]")
    return float(value[0]), float(value[1])


def _parse_option(where: str, parse: object, *, between: bool = False) -> str | None:
    if parse is None:
        return None
    units = set() if between else UNIT_PARSERS
    if not isinstance(parse, str) or (parse not in units and "%" not in parse):
        raise MappingError(
            f"{where}: parse {parse!r} is neither a strptime format (e.g. '%d-%b-%y %H:%M') nor "
            f"one of {sorted(units)}"
        )
    if "%" in parse:
        _check_strptime(where, parse)
    return parse


def _check_strptime(where: str, fmt: str) -> None:
    import duckdb

    try:
        duckdb.execute("SELECT try_strptime('2000-01-01', ?)", [fmt]).fetchall()
    except duckdb.Error:
        raise MappingError(
            f"{where}: parse {fmt!r} is not a format DuckDB's strptime understands "
            "(e.g. '%d/%m/%Y %H:%M:%S')"
        ) from None


def compile_mapping(
    mapping: KindMapping, kind: Kind, columns: tuple[str, ...], relation: str
) -> tuple[str, list[MappingCheck]]:
    """A SELECT over `relation` (text columns + _line) giving the kind's canonical columns,
    and the checks of its conversions (their flag columns are in the SELECT)."""
    _check_targets(mapping, kind, columns)
    checks: list[MappingCheck] = []
    by_target = {r.target: r for r in mapping.rules}
    exprs = {r.target: _rule_sql(r, kind, by_target, checks) for r in mapping.rules}
    selects = ", ".join(f"{expr} AS {ident(target)}" for target, expr in exprs.items())
    selects += "".join(f", coalesce({c.condition}, false) AS {c.flag}" for c in checks)
    flags = "".join(f", {c.flag}" for c in checks)
    if mapping.distinct:
        names = ", ".join(ident(r.target) for r in mapping.rules) + flags
        inner = f"SELECT _line, {selects} FROM {relation}"
        sql = f"SELECT min(_line) AS _line, {names} FROM ({inner}) GROUP BY ALL"
        return sql + _drop_clause(mapping, exprs, having=True), checks
    sql = f"SELECT _line, {selects} FROM {relation}"
    return sql + _drop_clause(mapping, exprs, having=False), checks


# Required columns a mapped export may leave out: DESIGN.md lists handle time as optional
# ("absent: AHT not measured, never 0"); a call log or a ticket export often has none.
MAY_LEAVE_OUT = {"interactions": frozenset({"handle_seconds"})}


def _check_targets(mapping: KindMapping, kind: Kind, columns: tuple[str, ...]) -> None:
    unknown_targets = [r.target for r in mapping.rules if r.target not in kind.names]
    if unknown_targets:
        raise MappingError(
            f"[{mapping.kind}.columns] maps to {unknown_targets}, which are not columns of "
            f"{kind.name} ({', '.join(kind.names)})"
        )
    optional = MAY_LEAVE_OUT.get(kind.name, frozenset())
    mapped = {r.target for r in mapping.rules}
    unmapped = [name for name in kind.required if name not in mapped and name not in optional]
    if unmapped:
        raise MappingError(
            f"[{mapping.kind}.columns] gives no value for the required column(s) "
            f"{', '.join(unmapped)} of {kind.name}"
        )
    missing_sources = sorted({s for r in mapping.rules for s in r.sources} - set(columns))
    if missing_sources:
        raise MappingError(
            f"the file has no column {', '.join(map(repr, missing_sources))} named in the mapping "
            f"(its columns: {', '.join(columns)})"
        )
    for rule in mapping.rules:
        if rule.scale and not rule.to and (kind.name, rule.target) != ("surveys", "score"):
            raise MappingError(
                f"[{mapping.kind}.columns] {rule.target}: a scale needs `to` = [lowest, highest] "
                "(only a survey score is converted to its kind's scale by itself)"
            )


def _drop_clause(mapping: KindMapping, exprs: dict[str, str], *, having: bool) -> str:
    if not mapping.drop_rows_without:
        return ""
    conditions = [
        f"{ident(name)} IS NOT NULL" if having else f"({exprs[name]}) IS NOT NULL"
        for name in mapping.drop_rows_without
    ]
    return (" HAVING " if having else " WHERE ") + " AND ".join(conditions)


def _rule_sql(
    rule: ColumnRule, kind: Kind, by_target: dict[str, ColumnRule], checks: list[MappingCheck]
) -> str:
    """The rule's value as text. Steps, in order: the source (joined), null_if, map, between
    or parse, unit, scale, default."""
    if rule.constant is not None:
        return literal(rule.constant)
    if rule.between:
        expr = _between_sql(rule, checks)
    else:
        expr = _source_sql(rule, rule.sources)
        if rule.parse:
            expr = _parse_sql(expr, rule.parse)
    if rule.unit:
        expr = _times_sql(expr, repr(float(UNITS[rule.unit])))
    if rule.scale:
        expr = _scale_sql(rule, expr, kind, by_target, checks)
    if rule.default is not None:
        expr = f"coalesce({expr}, {literal(rule.default)})"
    return expr


def _source_sql(rule: ColumnRule, sources: tuple[str, ...]) -> str:
    if len(sources) == 1:
        expr = ident(sources[0])
    else:
        expr = f"concat_ws({literal(rule.join)}, {', '.join(ident(s) for s in sources)})"
    if rule.null_if:
        nulls = ", ".join(literal(v) for v in rule.null_if)
        expr = f"CASE WHEN {expr} IN ({nulls}) THEN NULL ELSE {expr} END"
    if rule.value_map:
        # Matched whatever the case and surrounding spaces; other values pass as they are,
        # for the validator to report.
        cases = " ".join(
            f"WHEN {literal(k.strip().lower())} THEN {literal(v)}" for k, v in rule.value_map
        )
        expr = f"CASE lower(trim({expr})) {cases} ELSE {expr} END"
    return expr


def _timestamp_sql(expr: str, parse: str | None) -> str:
    if parse:
        return f"try_strptime({expr}, {literal(parse)})"
    return f"TRY_CAST({expr} AS TIMESTAMPTZ)"


def _between_sql(rule: ColumnRule, checks: list[MappingCheck]) -> str:
    """Seconds from the first timestamp to the second; empty when either is empty. A value
    that does not parse flags the row, and the report shows both values."""
    start, end = (_source_sql(rule, (s,)) for s in rule.sources)
    t_start, t_end = _timestamp_sql(start, rule.parse), _timestamp_sql(end, rule.parse)
    flag = f"c_m{len(checks)}"
    how = f"the format {rule.parse}" if rule.parse else "ISO 8601"
    bad = (
        f"(({start}) IS NOT NULL AND {t_start} IS NULL) "
        f"OR (({end}) IS NOT NULL AND {t_end} IS NULL)"
    )
    reason = f"{rule.sources[0]} or {rule.sources[1]} is not a timestamp in {how}"
    checks.append(MappingCheck(rule.target, reason, flag, bad))
    seconds = f"epoch({t_end}) - epoch({t_start})"
    return (
        f"CASE WHEN {bad} THEN concat_ws(' → ', {start}, {end}) ELSE CAST({seconds} AS VARCHAR) END"
    )


def _times_sql(expr: str, factor: str) -> str:
    number = f"TRY_CAST({expr} AS DOUBLE)"
    return f"CASE WHEN {number} IS NULL THEN {expr} ELSE CAST({number} * {factor} AS VARCHAR) END"


def _scale_sql(
    rule: ColumnRule,
    expr: str,
    kind: Kind,
    by_target: dict[str, ColumnRule],
    checks: list[MappingCheck],
) -> str:
    """A number on the declared scale [lo, hi], converted linearly to `to` (a survey score:
    to its kind's scale). A number outside the declared scale flags the row and is kept as
    it was, for the report."""
    lo, hi = rule.scale
    number = f"TRY_CAST({expr} AS DOUBLE)"
    flag = f"c_m{len(checks)}"
    outside = f"({number} < {lo} OR {number} > {hi})"
    reason = f"outside the declared scale {_num(lo)} to {_num(hi)}"
    checks.append(MappingCheck(rule.target, reason, flag, outside))

    def converted(to: tuple[float, float]) -> str:
        return f"CAST({to[0]} + ({number} - {lo}) * {(to[1] - to[0]) / (hi - lo)!r} AS VARCHAR)"

    if rule.to:
        value = converted(rule.to)
    else:  # a survey score, on the scale of the row's survey kind
        kind_rule = by_target.get("kind")
        kind_sql = "NULL" if kind_rule is None else f"lower({_rule_sql(kind_rule, kind, {}, [])})"
        cases = " ".join(
            f"WHEN {literal(name)} THEN {converted(rng)}" for name, rng in SURVEY_RANGES.items()
        )
        value = f"CASE {kind_sql} {cases} ELSE {expr} END"
    return f"CASE WHEN {number} IS NULL OR {outside} THEN {expr} ELSE {value} END"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _parse_sql(expr: str, parse: str) -> str:
    if parse == "hms":
        return hms_seconds_sql(expr)
    if parse in {"hours", "minutes", "milliseconds"}:
        factor = {"hours": "3600", "minutes": "60", "milliseconds": "0.001"}[parse]
        return (
            f"CASE WHEN TRY_CAST({expr} AS DOUBLE) IS NULL THEN {expr} "
            f"ELSE CAST(TRY_CAST({expr} AS DOUBLE) * {factor} AS VARCHAR) END"
        )
    # A strptime format: an unparseable value stays as it was, for the validator to report.
    # The cast keeps fractions of a second and, for a format with %z, the offset.
    return f"COALESCE(CAST(try_strptime({expr}, {literal(parse)}) AS VARCHAR), {expr})"


HMS = r"^(-)?(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$"


def hms_seconds_sql(expr: str) -> str:
    """`H:MM:SS`, `MM:SS` (either with a leading minus) or plain seconds -> seconds as text;
    other text passes through for the validator to report."""
    parts = f"regexp_extract({expr}, {literal(HMS)}, ['sign', 'h', 'm', 's'])"

    def part(name: str) -> str:
        return f"TRY_CAST(nullif(struct_extract({parts}, '{name}'), '') AS DOUBLE)"

    magnitude = f"coalesce({part('h')}, 0) * 3600 + {part('m')} * 60 + {part('s')}"
    sign = f"CASE WHEN starts_with({expr}, '-') THEN -1 ELSE 1 END"
    as_seconds = (
        f"CASE WHEN regexp_matches({expr}, {literal(HMS)}) THEN {sign} * ({magnitude}) "
        f"ELSE TRY_CAST({expr} AS DOUBLE) END"
    )
    return f"COALESCE(CAST({as_seconds} AS VARCHAR), {expr})"
