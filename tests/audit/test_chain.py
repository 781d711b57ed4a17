"""The hash chain: an untouched trail verifies; every kind of tampering is caught, even by
someone who can bypass the triggers (the owner of the database or of the SQLite file)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from click.testing import CliRunner
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from upswing.audit.actions import chain_key, record_event, record_events
from upswing.audit.append_only import install_triggers, remove_triggers
from upswing.audit.chain import (
    CHAINED_FIELDS,
    GENESIS,
    Anchor,
    canonical_json,
    event_hash,
    verify_chain,
)
from upswing.audit.models import AuditEvent
from upswing.audit.verify import audit_head, verify_audit_trail
from upswing.cli import main

KEY = b"k" * 32
AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _chain(n: int, key: bytes = KEY) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        event = dict.fromkeys(CHAINED_FIELDS, "")
        event.update(seq=seq, at=AT, actor_id=None, changes={"n": [seq, seq + 1]}, prev_hash=prev)
        event["hash"] = prev = event_hash(event, key)
        events.append(event)
    return events


def test_an_untouched_chain_verifies():
    report = verify_chain(_chain(5), KEY)
    assert report.ok
    assert report.events == 5
    assert report.head == Anchor(5, _chain(5)[-1]["hash"])


def test_canonical_json_is_the_same_for_either_database():
    # jsonb gives back a whole float as an integer; SQLite's text keeps 2.0.
    event = {"seq": 1, "at": AT, "changes": {"b": [2.0, 0.5], "a": ["Zoë", None]}}
    reread = {
        "seq": 1,
        "at": AT.astimezone(dt.timezone(dt.timedelta(hours=3))),
        "changes": {"a": ["Zoë", None], "b": [2, 0.5]},
    }
    assert canonical_json(event) == canonical_json(reread)


@given(
    st.integers(0, 5),
    st.sampled_from([f for f in CHAINED_FIELDS if f not in ("seq", "prev_hash")]),
    st.one_of(st.text(max_size=5), st.integers(), st.none()),
)
def test_any_change_to_any_event_is_caught(index, name, value):
    events = _chain(6)
    if events[index][name] == value:
        return
    events[index][name] = value
    report = verify_chain(events, KEY)
    assert not report.ok
    assert report.problems[0].seq == index + 1


@given(st.sets(st.integers(0, 5), min_size=1))
def test_any_removal_is_caught(removed):
    events = [e for i, e in enumerate(_chain(6)) if i not in removed]
    anchor = Anchor(6, _chain(6)[-1]["hash"])
    assert not verify_chain(events, KEY, anchor).ok


def test_a_chain_rewritten_without_the_key_is_caught():
    forged = _chain(4, key=b"guessed")
    report = verify_chain(forged, KEY)
    assert [p.kind for p in report.problems] == ["changed"] * 4


def test_a_reordered_chain_is_caught():
    events = _chain(4)
    events[1], events[2] = events[2], events[1]
    assert {p.kind for p in verify_chain(events, KEY).problems} == {"missing"}


def test_an_anchor_must_be_well_formed():
    with pytest.raises(ValueError, match="SEQ:HASH"):
        Anchor.parse("12:abc")


# In the database: the chain as written by record_event, tampered with past the triggers.


@pytest.fixture
def trail(db):
    with transaction.atomic():
        for n in range(3):
            record_event(
                actor="cli",
                action="plan.approve",
                object_id=str(n),
                changes={"score": [n * 1.5, 2.0]},
            )
        record_events(
            actor="cli",
            events=[
                {
                    "action": "import.roster.agent",
                    "object_id": f"A{n}",
                    "changes": {"team": [None, "T1"]},
                }
                for n in range(4)
            ],
        )
    return list(AuditEvent.objects.order_by("seq"))


def _as_owner(*statements: str, params=None) -> None:
    """Tamper as the database's owner would: drop the triggers, write, put them back."""
    table = AuditEvent._meta.db_table
    remove_triggers(_RawEditor(), table)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
    install_triggers(_RawEditor(), table)


class _RawEditor:
    """Enough of a schema editor for the trigger helpers, inside the test's transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _verify_cli(*args: str):
    return CliRunner().invoke(main, ["audit", "verify", *args])


def test_the_stored_trail_is_chained_and_verifies(trail):
    assert [e.seq for e in trail] == list(range(1, 8))
    assert trail[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(trail))
    assert verify_audit_trail().ok
    out = _verify_cli()
    assert out.exit_code == 0, out.output
    assert out.output.startswith("OK  7 events, chain intact (head 7:")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE audit_auditevent SET action = 'plan.reject' WHERE seq = 2",
            "event #2 was changed after it was written.",
        ),
        (
            "UPDATE audit_auditevent SET changes = '{}' WHERE seq = 5",
            "event #5 was changed after it was written.",
        ),
        (
            "UPDATE audit_auditevent SET at = '2020-01-01 00:00:00' WHERE seq = 1",
            "event #1 was changed after it was written.",
        ),
        ("DELETE FROM audit_auditevent WHERE seq = 4", "event #4 is missing."),
        ("DELETE FROM audit_auditevent WHERE seq IN (2, 3)", "events #2 to #3 are missing."),
        ("DELETE FROM audit_auditevent WHERE seq = 1", "event #1 is missing."),
        ("UPDATE audit_auditevent SET seq = seq - 1 WHERE seq > 4", "event #4 does not follow"),
    ],
)
def test_verify_catches_each_tampering(trail, sql, expected):
    if "seq = seq - 1" in sql:  # close the gap left by a deletion, renumbering the rest
        _as_owner("DELETE FROM audit_auditevent WHERE seq = 4", sql)
    else:
        _as_owner(sql)
    report = verify_audit_trail()
    assert not report.ok
    assert report.problems[0].message.startswith(expected)
    out = _verify_cli()
    assert out.exit_code == 1
    assert "TAMPERED  " + expected in out.output


def test_verify_catches_a_rewritten_tail_with_fresh_hashes(trail):
    # A forger without the key recomputes the chain with a key of their own.
    rows = AuditEvent.objects.order_by("seq").values(*CHAINED_FIELDS, "hash")
    prev = trail[2].hash
    updates = []
    for row in list(rows)[3:]:
        row.update(action="plan.reject", prev_hash=prev)
        row["hash"] = prev = event_hash(row, b"not-the-key")
        updates.append((row["action"], row["prev_hash"], row["hash"], row["seq"]))
    _as_owner(
        *[
            f"UPDATE audit_auditevent SET action = '{a}', prev_hash = '{p}', hash = '{h}'"
            f" WHERE seq = {s}"
            for a, p, h, s in updates
        ]
    )
    assert [p.seq for p in verify_audit_trail().problems] == [4, 5, 6, 7]


def test_a_removed_tail_is_caught_against_an_anchor(trail):
    anchor = audit_head()
    assert anchor == Anchor(7, trail[-1].hash)
    out = CliRunner().invoke(main, ["audit", "head"])
    assert out.output.strip() == str(anchor)
    _as_owner("DELETE FROM audit_auditevent WHERE seq >= 6")
    assert verify_audit_trail().ok  # what the chain alone cannot see…
    out = _verify_cli("--anchor", str(anchor))
    assert out.exit_code == 1  # …the anchor kept elsewhere does
    assert "the anchored event #7 is gone: the trail ends at #5." in out.output


def test_a_forged_event_appended_without_the_key_is_caught(trail):
    last = trail[-1]
    _as_owner(
        "INSERT INTO audit_auditevent (at, actor_label, role, action, object_type, object_id,"
        " changes, reason, request_id, seq, prev_hash, hash)"
        " VALUES (%s, 'cli', '', 'plan.approve', '', '', '{}', '', '', 8, %s, %s)",
        params=[AT, last.hash, "f" * 64],
    )
    assert [p.message for p in verify_audit_trail().problems] == [
        "event #8 was changed after it was written."
    ]


def test_the_key_comes_from_the_settings(settings):
    settings.UPSWING_AUDIT_KEY = "audit-only-key"
    assert chain_key() == b"audit-only-key"
    settings.UPSWING_AUDIT_KEY = ""
    assert chain_key() == settings.SECRET_KEY.encode()


def test_an_empty_trail_verifies(db):
    out = _verify_cli()
    assert out.exit_code == 0
    assert out.output.strip() == "OK  0 events, chain intact (no events yet)."
