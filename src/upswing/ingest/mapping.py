"""Column mappings: turn any export's columns into a canonical kind, declared in TOML.

A mapping is data, never code: each canonical column is taken from a source column (or
several joined), a constant, or a conversion from a fixed list. It compiles to one DuckDB
SELECT over the raw text columns, with every name and literal quoted.

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
csat = { from = "Rating", map = { good = "5", bad = "1" } }
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from upswing.ingest.kinds import Kind

# Conversions a mapping may name; each yields text that the validator then types.
UNIT_PARSERS = {"hms", "hours", "minutes", "milliseconds"}


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
    source = data.pop("source", None)
    data.pop("description", None)
    kinds = {
        name: _parse_kind(path, name, section)
        for name, section in data.items()
        if isinstance(section, dict)
    }
    return Mapping(path, str(source) if source else None, kinds)


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
    unknown = set(spec) - {"from", "value", "join", "parse", "null_if", "map"}
    if unknown:
        raise MappingError(f"{where}: unknown keys {sorted(unknown)}")
    if ("from" in spec) == ("value" in spec):
        raise MappingError(f"{where}: give exactly one of `from` (column) or `value` (constant)")
    if "value" in spec:
        return ColumnRule(target=target, constant=str(spec["value"]))
    sources = _names(path, f"[{kind}.columns] {target}: from", spec["from"])
    if not sources:
        raise MappingError(f"{where}: `from` names no column")
    value_map = spec.get("map", {})
    if not isinstance(value_map, dict):
        raise MappingError(f"{where}: `map` must be a table of source value = canonical value")
    return ColumnRule(
        target=target,
        sources=sources,
        join=str(spec.get("join", " ")),
        parse=_parse_option(where, spec.get("parse")),
        null_if=_names(path, f"[{kind}.columns] {target}: null_if", spec.get("null_if", ())),
        value_map=tuple((str(k), str(v)) for k, v in value_map.items()),
    )


def _parse_option(where: str, parse: object) -> str | None:
    if parse is None:
        return None
    if not isinstance(parse, str) or (parse not in UNIT_PARSERS and "%" not in parse):
        raise MappingError(
            f"{where}: parse {parse!r} is neither a strptime format (e.g. '%d-%b-%y %H:%M') nor "
            f"one of {sorted(UNIT_PARSERS)}"
        )
    return parse


def compile_mapping(
    mapping: KindMapping, kind: Kind, columns: tuple[str, ...], relation: str
) -> str:
    """A SELECT over `relation` (text columns + _line) giving the kind's canonical columns."""
    unknown_targets = [r.target for r in mapping.rules if r.target not in kind.names]
    if unknown_targets:
        raise MappingError(
            f"[{mapping.kind}.columns] maps to {unknown_targets}, which are not columns of "
            f"{kind.name} ({', '.join(kind.names)})"
        )
    unmapped = [name for name in kind.required if name not in {r.target for r in mapping.rules}]
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
    selects = ", ".join(f"{_rule_sql(rule)} AS {ident(rule.target)}" for rule in mapping.rules)
    if mapping.distinct:
        names = ", ".join(ident(r.target) for r in mapping.rules)
        inner = f"SELECT _line, {selects} FROM {relation}"
        return f"SELECT min(_line) AS _line, {names} FROM ({inner}) GROUP BY ALL" + _drop_clause(
            mapping, having=True
        )
    return f"SELECT _line, {selects} FROM {relation}" + _drop_clause(mapping, having=False)


def _drop_clause(mapping: KindMapping, *, having: bool) -> str:
    if not mapping.drop_rows_without:
        return ""
    by_target = {r.target: r for r in mapping.rules}
    conditions = []
    for name in mapping.drop_rows_without:
        conditions.append(
            f"{ident(name)} IS NOT NULL"
            if having
            else f"({_rule_sql(by_target[name])}) IS NOT NULL"
        )
    return (" HAVING " if having else " WHERE ") + " AND ".join(conditions)


def _rule_sql(rule: ColumnRule) -> str:
    if rule.constant is not None:
        return literal(rule.constant)
    if len(rule.sources) == 1:
        expr = ident(rule.sources[0])
    else:
        expr = f"concat_ws({literal(rule.join)}, {', '.join(ident(s) for s in rule.sources)})"
    if rule.null_if:
        nulls = ", ".join(literal(v) for v in rule.null_if)
        expr = f"CASE WHEN {expr} IN ({nulls}) THEN NULL ELSE {expr} END"
    if rule.value_map:
        cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in rule.value_map)
        expr = f"CASE {expr} {cases} ELSE {expr} END"
    if rule.parse:
        expr = _parse_sql(expr, rule.parse)
    return expr


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


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
