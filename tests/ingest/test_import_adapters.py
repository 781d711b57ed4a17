"""Zendesk, Genesys and Freshdesk exports go through the same validation and upsert."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.ingest.conftest import ROSTER, errors_of, rejection, run_import, warehouse_rows

from upswing.ingest.service import import_file

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def roster(tmp_path, warehouse_url):
    """Agents named by each tool's own ids: Zendesk user ids, Genesys user ids, Freshdesk names."""
    rows = [
        dict(ROSTER[0], agent_id="9001", name="Ana (Zendesk)"),
        dict(ROSTER[1], agent_id="u-77", name="Bruno (Genesys)", email=None),
        dict(ROSTER[2], agent_id="Carla Diaz"),
    ]
    run_import("roster", tmp_path, rows)


def _ticket(ticket_id: int, assignee, *, status="solved", channel="email") -> dict:
    return {
        "id": ticket_id,
        "assignee_id": assignee,
        "created_at": "2026-03-02T09:00:00Z",
        "updated_at": "2026-03-02T10:00:00Z",
        "via": {"channel": channel},
        "status": status,
        "type": "question",
        "tags": ["escalated"] if ticket_id == 2 else [],
    }


def test_zendesk_tickets_and_ratings(tmp_path, roster):
    tickets = tmp_path / "tickets.json"
    tickets.write_text(
        json.dumps(
            {
                "tickets": [
                    _ticket(1, 9001),
                    _ticket(2, 9001, status="open", channel="voice"),
                    _ticket(3, None),
                ]
            }
        )
    )
    ratings = tmp_path / "ratings.json"
    ratings.write_text(
        json.dumps(
            {
                "satisfaction_ratings": [
                    {
                        "id": 11,
                        "ticket_id": 1,
                        "score": "good",
                        "updated_at": "2026-03-02T11:00:00Z",
                    },
                    {"id": 12, "ticket_id": 2, "score": "bad", "comment": "slow"},
                    {"id": 13, "ticket_id": 3, "score": "offered"},
                ]
            }
        )
    )
    result = import_file("interactions", tickets, source="zendesk")
    assert (result.source, result.inserted) == ("zendesk", 2)
    assert result.warnings == ("1 record(s) left out by the zendesk adapter: 1 unassigned ticket",)
    rows = warehouse_rows("interactions")
    assert [(r[0], r[1], r[2], r[3], r[7], r[11], r[13]) for r in rows] == [
        ("zendesk", "1", "9001", "P1", "email", True, None),
        ("zendesk", "2", "9001", "P1", "voice", False, True),
    ]
    assert {r[6] for r in rows} == {None}  # no handle time in Zendesk tickets: not measured
    surveys = import_file("surveys", ratings, source="zendesk")
    assert surveys.inserted == 2
    assert [(r[1], r[2], r[3], r[5]) for r in warehouse_rows("surveys")] == [
        ("1", "csat", 5.0, None),
        ("2", "csat", 1.0, "slow"),
    ]
    again = import_file("interactions", tickets, source="zendesk")
    assert (again.inserted, again.updated) == (0, 0)


def test_zendesk_tickets_of_unknown_agents_are_rejected(tmp_path, roster):
    tickets = tmp_path / "tickets.json"
    tickets.write_text(json.dumps({"tickets": [_ticket(1, 9001), _ticket(2, 4242)]}))
    exc = rejection("interactions", tickets, source="zendesk")
    assert exc.line_label == "record"
    assert errors_of(exc) == [
        (2, "agent_id", "4242", "unknown agent: not in the roster (import the roster first)"),
    ]
    assert warehouse_rows("interactions") == []


def _conversation(conv_id: str, user: str, handle_ms: int, media: str = "voice") -> dict:
    metrics = [{"name": "tAnswered", "value": 4000}, {"name": "tHandle", "value": handle_ms}]
    return {
        "conversationId": conv_id,
        "conversationStart": "2026-03-02T09:15:00.000Z",
        "participants": [
            {
                "purpose": "acd",
                "sessions": [{"mediaType": media, "metrics": [{"name": "tAcd", "value": 8000}]}],
            },
            {
                "purpose": "agent",
                "userId": user,
                "sessions": [{"mediaType": media, "metrics": metrics}],
            },
        ],
    }


def test_genesys_conversations(tmp_path, roster):
    path = tmp_path / "conversations.json"
    path.write_text(
        json.dumps(
            {
                "conversations": [
                    _conversation("c-1", "u-77", 185_500),
                    _conversation("c-2", "u-77", 60_000, "chat"),
                ],
                "totalHits": 2,
            }
        )
    )
    result = import_file("interactions", path, source="genesys")
    assert result.inserted == 2
    assert [
        (r[0], r[1], r[2], r[4], r[6], r[7], r[8], r[9]) for r in warehouse_rows("interactions")
    ] == [
        (
            "genesys",
            "c-1",
            "u-77",
            dt.datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
            185.5,
            "voice",
            True,
            8.0,
        ),
        (
            "genesys",
            "c-2",
            "u-77",
            dt.datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
            60.0,
            "chat",
            True,
            8.0,
        ),
    ]
    path.write_text(json.dumps([_conversation("c-1", "u-77", 190_000)]))
    fixed = import_file("interactions", path, source="genesys")
    assert (fixed.inserted, fixed.updated) == (0, 1)


def test_genesys_negative_handle_time_is_caught_by_validation(tmp_path, roster):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([_conversation("c-1", "u-77", -1000)]))
    exc = rejection("interactions", path, source="genesys")
    assert errors_of(exc) == [(1, "handle_seconds", "-1", "negative seconds")]


FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Time tracked,"
    "Survey results\n"
    "501,Login,Resolved,Low,Phone,Question,Carla Diaz,Tier 1,2026-03-02 20:30:00,0:05,"
    "Extremely happy\n"
    '502,"Refund, twice",Open,High,Email,Incident,Carla Diaz,Tier 1,2026-03-03 08:00:00,1.5,\n'
    "503,Spam,Closed,Low,Email,,,Tier 1,2026-03-03 09:00:00,,\n"
)


def test_freshdesk_csv_tickets_and_surveys(tmp_path, roster):
    path = tmp_path / "freshdesk.csv"
    path.write_text(FRESHDESK, encoding="utf-8")
    result = import_file("interactions", path, source="freshdesk")
    assert result.inserted == 2
    rows = warehouse_rows("interactions")
    # Freshdesk writes local time without an offset: read in New York time (UTC-5).
    assert [(r[1], r[2], r[4], r[5], r[6], r[7], r[11]) for r in rows] == [
        (
            "501",
            "Carla Diaz",
            dt.datetime(2026, 3, 3, 1, 30, tzinfo=UTC),
            dt.date(2026, 3, 2),
            300.0,
            "voice",
            True,
        ),
        (
            "502",
            "Carla Diaz",
            dt.datetime(2026, 3, 3, 13, tzinfo=UTC),
            dt.date(2026, 3, 3),
            5400.0,
            "email",
            False,
        ),
    ]
    surveys = import_file("surveys", path, source="freshdesk")
    assert surveys.inserted == 1
    assert [(r[1], r[3]) for r in warehouse_rows("surveys")] == [("501", 5.0)]


def test_an_adapter_refuses_a_kind_it_does_not_read(tmp_path, roster):
    path = tmp_path / "conversations.json"
    path.write_text("[]")
    exc = rejection("qa", path, source="genesys")
    assert "the genesys adapter reads interactions, not qa" in exc.message
