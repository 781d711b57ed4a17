"""`upswing import inspect FILE`: read an export and propose a mapping to review.

The proposal is TOML in the format of upswing.ingest.mapping: each canonical column matched
to a source column by its name (and a list of names exports commonly use), with the format
of its timestamps found from the first rows, durations in H:MM:SS, survey scales read from
the values, text values listed for a `map`, and the time-zone question asked. Nothing is
guessed silently: every choice has a comment saying what it was based on, and what could not
be matched is left commented out for a person to fill in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from upswing.ingest.kinds import KINDS, SURVEY_RANGES, ColumnType, Kind
from upswing.ingest.mapping import MAY_LEAVE_OUT
from upswing.ingest.readers import read_raw

SAMPLE_ROWS = 1000
# Names exports use for each canonical column, compared without case, spaces or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "agent_id": (
        "agent",
        "agentid",
        "agentname",
        "assignee",
        "rep",
        "employee",
        "server",
        "user",
        "username",
        "operator",
        "owner",
    ),
    "name": ("agentname", "agent", "fullname", "assignee", "employee"),
    "email": ("agentemail", "mail", "emailaddress"),
    "team_id": ("team", "group", "groupname", "teamname", "queue", "skill"),
    "team_name": ("team", "group", "groupname", "teamname"),
    "program_id": ("program", "campaign", "project", "line", "account"),
    "interaction_id": (
        "callid",
        "ticketid",
        "ticket",
        "id",
        "caseid",
        "contactid",
        "interaction",
        "conversationid",
        "sessionid",
    ),
    "started_at": (
        "offered",
        "offeredat",
        "start",
        "starttime",
        "startedat",
        "created",
        "createdat",
        "datetime",
        "calltime",
        "arrival",
        "received",
    ),
    "handle_seconds": (
        "handletime",
        "aht",
        "talktime",
        "duration",
        "avgtalkduration",
        "handleduration",
        "sertime",
        "servicetime",
    ),
    "wait_seconds": (
        "waittime",
        "wait",
        "speedofanswer",
        "speedofansweringseconds",
        "queuetime",
        "asa",
        "qtime",
    ),
    "hold_seconds": ("holdtime", "hold", "holdduration"),
    "channel": ("channel", "media", "mediatype", "via", "source"),
    "answered": ("answered", "answeredyn", "outcome", "status", "result", "disposition"),
    "resolved": ("resolved", "solved", "fcr", "firstcontactresolution"),
    "topic": ("topic", "reason", "category", "subject", "type", "calltype"),
    "score": ("satisfaction", "satisfactionrating", "rating", "csat", "score", "nps", "ces"),
    "responded_at": ("respondedat", "ratedat", "surveydate"),
    "comment": ("comment", "feedback", "verbatim"),
}
# The same in a few other languages exports come in (French, German, Spanish, Portuguese).
for _target, _names in {
    "interaction_id": ("appel", "appeln", "numeroappel", "anrufid", "llamada", "chamada"),
    "started_at": ("debut", "datedebut", "beginn", "inicio", "fechahora", "datahora"),
    "handle_seconds": ("duree", "dauer", "duracion", "duracao"),
    "wait_seconds": ("attente", "attentes", "wartezeit", "espera"),
    "resolved": ("resolu", "gelost", "resuelto", "resolvido"),
    "topic": ("motif", "thema", "motivo"),
}.items():
    SYNONYMS[_target] = SYNONYMS[_target] + _names

# Timestamps whose difference gives a duration: (start names, end names) per target.
BETWEEN = {
    "wait_seconds": (("offered", "offeredat", "arrival", "queued", "queuedat"),
                     ("answered", "answeredat", "pickedup", "connected")),
    "handle_seconds": (("answered", "answeredat", "pickedup", "connected"),
                       ("ended", "endedat", "end", "endtime", "hungup", "disconnected")),
}  # fmt: skip
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%b-%y %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)
HMS = re.compile(r"^-?(\d+:)?\d{1,2}:\d{1,2}(\.\d+)?$")


@dataclass(slots=True)
class Sample:
    columns: tuple[str, ...]
    values: dict[str, list[str]]  # non-empty values of the first rows, per column
    read_as: str = ""

    def by_key(self) -> dict[str, str]:
        return {_key(c): c for c in self.columns}


@dataclass(slots=True)
class Proposal:
    kind: str
    lines: list[str] = field(default_factory=list)
    matched: int = 0
    missing: list[str] = field(default_factory=list)


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def read_sample(path: Path) -> Sample:
    con = duckdb.connect()
    try:
        raw = read_raw(con, path)
        rel = con.execute(f"SELECT * EXCLUDE (_line) FROM {raw.relation} LIMIT {SAMPLE_ROWS}")  # noqa: S608 - a relation this reader named
        names = [d[0] for d in rel.description]
        rows = rel.fetchall()
    finally:
        con.close()
    values = {n: [r[i] for r in rows if r[i] is not None] for i, n in enumerate(names)}
    return Sample(tuple(names), values, raw.read_as)


def propose(path: Path, kind_name: str | None = None) -> str:
    """The proposed mapping as TOML text (with comments to review)."""
    sample = read_sample(path)
    kinds = [KINDS[kind_name]] if kind_name else list(KINDS.values())
    proposals = [_propose_kind(kind, sample) for kind in kinds]
    if not kind_name:
        proposals = [p for p in proposals if not p.missing and p.matched >= 2]
    head = [
        f"# A mapping proposed for {path.name} ({len(sample.columns)} columns"
        + (f", read as {sample.read_as}" if sample.read_as else "")
        + f", the first {SAMPLE_ROWS:,} rows looked at).",
        "# Review every line: names were matched, formats and scales read from the values.",
        f"# Then: upswing import KIND {path.name} --map THIS.toml",
        "#",
        "# Question: in which time zone are the times of this file written? Timestamps",
        "# without an offset are read in each program's zone, which the roster gives",
        '# (time_zone = { value = "Europe/Lisbon" }, or --time-zone when importing it).',
        f'source = "{_slug(path.stem)}"',
    ]
    if not proposals:
        head.append("# No kind matched two or more columns: give one with --kind.")
    body = [line for p in proposals for line in ["", *p.lines]]
    return "\n".join(head + body) + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def _propose_kind(kind: Kind, sample: Sample) -> Proposal:
    proposal = Proposal(kind.name)
    keys = sample.by_key()
    rules: list[str] = []
    for column in kind.columns:
        rule = _rule(kind, column.name, column.type, sample, keys)
        if rule:
            proposal.matched += 1
            rules.append(f"{column.name} = {rule}")
        elif column.required and column.name not in MAY_LEAVE_OUT.get(kind.name, ()):
            proposal.missing.append(column.name)
            rules.append(f'# {column.name} = "?"   # required: no column matched; name one')
    if kind.name == "roster" and not any(r.startswith("time_zone") for r in rules):
        rules.append('time_zone = { value = "UTC" }   # question: the programs\' time zone?')
    section = [f"[{kind.name}]"]
    if kind.name == "roster":
        section.append("distinct = true   # one roster row per agent, taken from every row")
    return _with_lines(proposal, [*section, "", f"[{kind.name}.columns]", *rules])


def _with_lines(proposal: Proposal, lines: list[str]) -> Proposal:
    proposal.lines = lines
    return proposal


def _rule(kind: Kind, target: str, ctype: ColumnType, sample: Sample, keys: dict) -> str | None:
    if target in BETWEEN and kind.name == "interactions":
        found = _between(target, sample, keys)
        if found:
            return found
    source = _match(target, keys, sample if ctype is ColumnType.BOOL else None)
    if source is None:
        return _constant(kind, target, sample, keys)
    values = sample.values.get(source, [])
    if ctype is ColumnType.TIMESTAMP:
        return _timestamp_rule(source, values)
    if ctype is ColumnType.SECONDS:
        return _seconds_rule(source, values)
    if ctype is ColumnType.BOOL:
        return _bool_rule(source, values)
    if target == "score" and kind.name == "surveys":
        return _score_rule(source, values)
    if ctype is ColumnType.CHOICE:
        return _choice_rule(source, values, kind.column(target).choices)
    return _quote(source)


def _constant(kind: Kind, target: str, sample: Sample, keys: dict[str, str]) -> str | None:
    """A value for a required column the export has no column for, when one is usual."""
    if kind.name == "surveys" and target == "kind" and _match("score", keys):
        return '{ value = "csat" }   # question: csat, nps or ces?'
    if kind.name == "roster" and target in {"team_id", "program_id"}:
        return '{ value = "main" }   # question: which ' + target.removesuffix("_id") + "?"
    return None


def _match(target: str, keys: dict[str, str], flags: Sample | None = None) -> str | None:
    """The first column named like `target`; with `flags`, not one holding times (a yes/no
    column named "Answered" is not the time a call was answered)."""
    for candidate in (_key(target), *SYNONYMS.get(target, ())):
        if candidate in keys:
            values = flags.values.get(keys[candidate], []) if flags else []
            if any(":" in v for v in values[:20]):
                continue
            return keys[candidate]
    return None


def _between(target: str, sample: Sample, keys: dict[str, str]) -> str | None:
    starts, ends = BETWEEN[target]
    start = next((keys[k] for k in starts if k in keys), None)
    end = next((keys[k] for k in ends if k in keys), None)
    if not start or not end:
        return None
    fmt = _timestamp_format(sample.values.get(start, []) + sample.values.get(end, []))
    parse = f", parse = {_quote(fmt)}" if fmt else ""
    return (
        f"{{ between = [{_quote(start)}, {_quote(end)}]{parse} }}   # seconds from {start} to {end}"
    )


def _timestamp_format(values: list[str]) -> str | None:
    """None for ISO 8601 values (read as they are), else the first format parsing them all."""
    if not values:
        return None
    con = duckdb.connect()
    try:
        iso = con.execute(
            "SELECT bool_and(TRY_CAST(v AS TIMESTAMPTZ) IS NOT NULL) FROM unnest(?) t(v)",
            [values],
        ).fetchone()[0]
        if iso:
            return None
        for fmt in TIMESTAMP_FORMATS:
            ok = con.execute(
                "SELECT bool_and(try_strptime(v, ?) IS NOT NULL) FROM unnest(?) t(v)",
                [fmt, values],
            ).fetchone()[0]
            if ok:
                return fmt
    finally:
        con.close()
    return "?"


def _timestamp_rule(source: str, values: list[str]) -> str:
    fmt = _timestamp_format(values)
    if fmt is None:
        return _quote(source) + "   # ISO 8601"
    if fmt == "?":
        example = values[0] if values else ""
        return (
            f'{{ from = {_quote(source)}, parse = "?" }}   '
            f"# write its strptime format; e.g. {example!r}"
        )
    return f"{{ from = {_quote(source)}, parse = {_quote(fmt)} }}"


def _numbers(values: list[str]) -> list[float] | None:
    try:
        return [float(v.replace(",", ".")) if v.count(",") == 1 else float(v) for v in values]
    except ValueError:
        return None


def _seconds_rule(source: str, values: list[str]) -> str:
    if values and all(HMS.match(v) for v in values):
        return f'{{ from = {_quote(source)}, parse = "hms" }}   # H:MM:SS'
    numbers = _numbers(values)
    if numbers:
        return (
            f"{_quote(source)}   # numbers from {min(numbers):g} to {max(numbers):g}: seconds? "
            'if not, add unit = "ms", "minutes" or "hours"'
        )
    return _quote(source) + "   # no values in the first rows"


def _distinct(values: list[str], limit: int = 12) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v.strip().lower() not in {s.lower() for s in seen}:
            seen.setdefault(v.strip(), None)
        if len(seen) > limit:
            return []
    return list(seen)


_YES = {"true", "t", "yes", "y", "1", "false", "f", "no", "n", "0"}


def _bool_rule(source: str, values: list[str]) -> str:
    distinct = _distinct(values)
    if not distinct or all(v.lower() in _YES for v in distinct):
        return _quote(source)
    pairs = ", ".join(f'{_quote(v)} = "?"' for v in distinct)
    return f"{{ from = {_quote(source)}, map = {{ {pairs} }} }}   # true or false for each"


def _choice_rule(source: str, values: list[str], choices: tuple[str, ...]) -> str:
    distinct = _distinct(values)
    if not distinct or all(v.lower() in choices for v in distinct):
        return _quote(source)
    pairs = ", ".join(f'{_quote(v)} = "?"' for v in distinct if v.lower() not in choices)
    return f"{{ from = {_quote(source)}, map = {{ {pairs} }} }}   # one of {', '.join(choices)}"


def _score_rule(source: str, values: list[str]) -> str:
    numbers = _numbers(values)
    if numbers is None:
        distinct = _distinct(values)
        pairs = ", ".join(f'{_quote(v)} = "?"' for v in distinct)
        return (
            f"{{ from = {_quote(source)}, map = {{ {pairs} }}, scale = [1, {len(distinct)}] }}"
            "   # a number for each answer, lowest 1; check the scale"
        )
    low, high = min(numbers), max(numbers)
    declared = next(
        (
            rng
            for rng in ((1, 3), (1, 5), (0, 10), (1, 7), (1, 10))
            if rng[0] <= low and high <= rng[1]
        ),
        (int(low), int(high)),
    )
    canonical = ", ".join(f"{k} {a}-{b}" for k, (a, b) in SURVEY_RANGES.items())
    return (
        f"{{ from = {_quote(source)}, scale = [{declared[0]}, {declared[1]}] }}"
        f"   # values {low:g} to {high:g}: is that the scale? converted to {canonical}"
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
