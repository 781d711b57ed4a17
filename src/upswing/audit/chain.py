"""The hash chain over audit events: pure functions, no Django (tested without a database).

Each event stores `seq` (1, 2, 3, … with no holes), the previous event's hash (`prev_hash`;
the first event's is `GENESIS`) and its own `hash`: HMAC-SHA256, under the chain key, of the
event's canonical JSON (sorted keys, no spaces, UTF-8; a whole float written as an integer so
that PostgreSQL's jsonb and SQLite's text read back the same value).

`verify_chain` walks the events in `seq` order and reports every break:

- a changed event (its fields no longer give its stored hash);
- a removed event (a hole in `seq`, or the next event's `prev_hash` no longer matches);
- a rewritten run of events (a forger without the key cannot compute the hashes; the key is
  in the application's settings, never in the database);
- a removed tail, when the caller passes an anchor (a `seq` and hash noted earlier, e.g. by
  `upswing audit head` shipped to the log host): the anchor must still be in the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
# The stored fields the hash covers (the row id is the database's, not part of the chain).
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "role",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "request_id",
    "prev_hash",
)
MAX_PROBLEMS = 50


_AS_IS = frozenset({str, int, bool, type(None)})


def canonical(value: Any) -> Any:
    """The value as the chain sees it: the same whichever database stored it."""
    if type(value) in _AS_IS:  # most values: text, numbers, None (checked first, for speed)
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("audit times are aware datetimes")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) in _AS_IS for v in value):  # a diff's [before, after] of plain values
            return list(value)
        return [canonical(v) for v in value]
    raise TypeError(f"cannot chain a {type(value).__name__}")


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    data = {name: canonical(payload.get(name)) for name in CHAINED_FIELDS}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def event_hash(payload: Mapping[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical_json(payload), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Anchor:
    """A point of the chain noted elsewhere: event `seq` had hash `hash`."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, sep, digest = text.strip().partition(":")
        if not sep or not seq.isdigit() or len(digest) != 64:
            raise ValueError(f"an anchor is SEQ:HASH (64 hex digits), not {text!r}")
        return cls(int(seq), digest.lower())

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    kind: str  # changed | missing | broken_link | anchor
    message: str


@dataclass(slots=True)
class ChainReport:
    events: int = 0
    head: Anchor | None = None
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1


def verify_chain(
    events: Iterable[Mapping[str, Any]], key: bytes, anchor: Anchor | None = None
) -> ChainReport:
    """Check events given in `seq` order (each a mapping of CHAINED_FIELDS plus `hash`)."""
    report = ChainReport()
    expected_seq, prev_hash = 1, GENESIS
    anchor_seen = False
    for event in events:
        seq = event["seq"]
        report.events += 1
        if seq != expected_seq:
            report.add(Problem(seq, "missing", _missing(expected_seq, seq)))
        elif event["prev_hash"] != prev_hash:
            report.add(
                Problem(seq, "broken_link", f"event #{seq} does not follow event #{seq - 1}.")
            )
        if not hmac.compare_digest(event_hash(event, key), str(event["hash"])):
            report.add(Problem(seq, "changed", f"event #{seq} was changed after it was written."))
        if anchor is not None and seq == anchor.seq:
            anchor_seen = True
            if event["hash"] != anchor.hash:
                report.add(Problem(seq, "anchor", f"event #{seq} is not the one anchored."))
        expected_seq, prev_hash = seq + 1, event["hash"]
        report.head = Anchor(seq, event["hash"])
    if anchor is not None and not anchor_seen:
        head = report.head.seq if report.head else 0
        report.add(
            Problem(
                anchor.seq,
                "missing",
                f"the anchored event #{anchor.seq} is gone: the trail ends at #{head}.",
            )
        )
    return report


def _missing(expected: int, found: int) -> str:
    if found < expected:
        return f"event #{found} appears again after event #{expected - 1}."
    if found == expected + 1:
        return f"event #{expected} is missing."
    return f"events #{expected} to #{found - 1} are missing."
