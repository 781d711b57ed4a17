"""The Zendesk adapter on sample API responses and on hand-built edge cases.

The samples (tests/ingest/fixtures/zendesk/) are written for these tests in the shapes of
Zendesk's Support API responses: a tickets list, a single ticket, search results, the legacy
satisfaction ratings list and, as a file that is not tickets, a groups list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upswing.ingest.adapters import (
    AdapterError,
    get_adapter,
    skipped_count,
    skipped_reasons,
    zendesk,
)

SAMPLES = Path(__file__).parent / "fixtures" / "zendesk"


def sample(name: str) -> Path:
    return SAMPLES / name


def write_json(tmp_path: Path, document: Any, name: str = "tickets.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def ticket(ticket_id: int, **fields: Any) -> dict[str, Any]:
    base = {
        "id": ticket_id,
        "via": {"channel": "email"},
        "created_at": "2026-10-01T09:00:00Z",
        "updated_at": "2026-10-01T10:00:00Z",
        "type": None,
        "status": "open",
        "assignee_id": 900 + ticket_id,
        "tags": [],
        "custom_fields": [],
        "satisfaction_rating": None,
    }
    return {**base, **fields}


def read_interactions(path: Path) -> list[dict[str, Any]]:
    return get_adapter("zendesk").read(path, "interactions").to_pylist()


# --- sample responses ------------------------------------------------------------------------

SAMPLE_TICKET_11 = {
    "interaction_id": "11",
    "agent_id": "910000000555",
    "started_at": "2026-02-09T08:05:12+00:00",
    "handle_seconds": None,
    "channel": "email",
    "resolved": "true",
    "escalated": None,
    "topic": None,
    "_line": 1,
}


def test_it_maps_the_tickets_list():
    rows = read_interactions(sample("tickets.json"))
    assert rows == [
        SAMPLE_TICKET_11,
        {
            **SAMPLE_TICKET_11,
            "interaction_id": "12",
            "started_at": "2026-02-09T09:31:47+00:00",
            "_line": 2,
        },
    ]


def test_web_form_tickets_count_as_email():
    rows = read_interactions(sample("tickets.json"))
    assert [row["channel"] for row in rows] == ["email", "email"]  # via email, via web


def test_it_maps_the_single_ticket():
    assert read_interactions(sample("ticket.json")) == [SAMPLE_TICKET_11]


def test_the_search_results_ticket_is_unassigned_so_it_is_skipped_and_counted():
    table = get_adapter("zendesk").read(sample("search_tickets.json"), "interactions")
    assert table.num_rows == 0
    assert skipped_count(table) == 1
    assert skipped_reasons(table) == {zendesk.UNASSIGNED: 1}


def test_it_maps_the_legacy_satisfaction_ratings():
    table = get_adapter("zendesk").read(sample("satisfaction_ratings.json"), "surveys")
    assert table.to_pylist() == [
        {
            "interaction_id": "11",
            "kind": "csat",
            "score": "5",  # legacy "good"
            "responded_at": "2026-02-09T12:15:30+00:00",
            "comment": "Quick and clear, thank you.",
            "_line": 1,
        }
    ]


def test_tickets_without_ratings_give_no_surveys():
    table = get_adapter("zendesk").read(sample("tickets.json"), "surveys")
    assert table.num_rows == 0
    assert skipped_count(table) == 0


def test_a_file_that_is_not_tickets_is_refused():
    with pytest.raises(AdapterError, match=r"groups\.json: expected Zendesk tickets.*keys count"):
        read_interactions(sample("groups.json"))


# --- mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("via", "channel"),
    [
        ("web", "email"),
        ("email", "email"),
        ("voice", "voice"),
        ("phone", "voice"),
        ("chat", "chat"),
        ("native_messaging", "chat"),
        ("messaging", "chat"),
        ("twitter", "social"),
        ("facebook", "social"),
        ("api", "other"),
        ("mobile_sdk", "other"),
    ],
)
def test_via_channel_maps_to_a_canonical_channel(via: str, channel: str):
    assert zendesk.channel_of({"channel": via}) == channel


def test_a_missing_via_is_other():
    assert zendesk.channel_of(None) == "other"


@pytest.mark.parametrize(
    ("status", "resolved"),
    [
        ("new", "false"),
        ("open", "false"),
        ("pending", "false"),
        ("hold", "false"),
        ("solved", "true"),
        ("closed", "true"),
    ],
)
def test_solved_and_closed_are_resolved(tmp_path: Path, status: str, resolved: str):
    path = write_json(tmp_path, {"tickets": [ticket(1, status=status)]})
    assert read_interactions(path)[0]["resolved"] == resolved


def test_topic_is_the_type_then_the_first_tag_other_than_escalated(tmp_path: Path):
    tickets = [
        ticket(1, type="incident", tags=["billing"]),
        ticket(2, tags=["escalated", "refund", "vip"]),
        ticket(3, tags=[]),
    ]
    rows = read_interactions(write_json(tmp_path, {"tickets": tickets}))
    assert [row["topic"] for row in rows] == ["incident", "refund", None]
    assert [row["escalated"] for row in rows] == [None, "true", None]


def test_urgent_priority_is_not_an_escalation(tmp_path: Path):
    path = write_json(tmp_path, {"tickets": [ticket(1, priority="urgent")]})
    assert read_interactions(path)[0]["escalated"] is None


def test_handle_time_is_null_without_a_configured_custom_field(tmp_path: Path):
    tickets = [ticket(1, custom_fields=[{"id": 360001, "value": "300"}])]
    assert (
        read_interactions(write_json(tmp_path, {"tickets": tickets}))[0]["handle_seconds"] is None
    )


def test_handle_time_comes_from_the_configured_custom_field(tmp_path: Path):
    tickets = [
        ticket(1, custom_fields=[{"id": 7, "value": "x"}, {"id": 360001, "value": "300"}]),
        ticket(2, custom_fields=[{"id": 360001, "value": 95.5}]),
        ticket(3, custom_fields=[{"id": 360001, "value": None}]),
    ]
    adapter = zendesk.make_adapter(handle_time_field_id=360001)
    rows = adapter.read(write_json(tmp_path, {"tickets": tickets}), "interactions").to_pylist()
    assert [row["handle_seconds"] for row in rows] == ["300", "95.5", None]


def test_the_module_setting_names_the_handle_time_field(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(zendesk, "HANDLE_TIME_FIELD_ID", 42)
    tickets = [ticket(1, custom_fields=[{"id": 42, "value": 120}])]
    assert (
        read_interactions(write_json(tmp_path, {"tickets": tickets}))[0]["handle_seconds"] == "120"
    )


def test_a_non_numeric_handle_time_names_the_record_and_field(tmp_path: Path):
    tickets = [ticket(5), ticket(6, custom_fields=[{"id": 42, "value": "ten minutes"}])]
    path = write_json(tmp_path, {"tickets": tickets})
    with pytest.raises(AdapterError, match=r"tickets\.json: record 2 \(id 6\): custom field 42"):
        zendesk.read_tickets(path, handle_time_field_id=42)


# --- shapes and skipped records -----------------------------------------------------------


def test_unassigned_and_deleted_tickets_are_skipped_and_counted(tmp_path: Path):
    tickets = [ticket(1), ticket(2, assignee_id=None), ticket(3, status="deleted"), ticket(4)]
    table = get_adapter("zendesk").read(write_json(tmp_path, {"tickets": tickets}), "interactions")
    assert table.column("interaction_id").to_pylist() == ["1", "4"]
    assert table.column("_line").to_pylist() == [1, 4]
    assert skipped_reasons(table) == {zendesk.UNASSIGNED: 1, zendesk.DELETED: 1}
    assert skipped_count(table) == 2


def test_it_reads_json_lines_from_the_incremental_export(tmp_path: Path):
    path = tmp_path / "export.jsonl"
    lines = [json.dumps(ticket(11)), "", json.dumps(ticket(12, via={"channel": "voice"}))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read_interactions(path)
    assert [(r["interaction_id"], r["channel"], r["_line"]) for r in rows] == [
        ("11", "email", 1),
        ("12", "voice", 3),
    ]


def test_a_repeated_ticket_keeps_its_latest_version(tmp_path: Path):
    path = tmp_path / "export.jsonl"
    versions = [
        ticket(1, status="open", updated_at="2026-10-01T10:00:00Z"),
        ticket(2),
        ticket(1, status="solved", updated_at="2026-10-02T10:00:00Z"),
        ticket(1, status="pending", updated_at="2026-10-01T12:00:00Z"),  # older, out of order
    ]
    path.write_text("\n".join(json.dumps(v) for v in versions), encoding="utf-8")
    table = get_adapter("zendesk").read(path, "interactions")
    assert [(r["interaction_id"], r["resolved"], r["_line"]) for r in table.to_pylist()] == [
        ("2", "false", 2),
        ("1", "true", 3),
    ]
    assert skipped_reasons(table) == {zendesk.OLDER_COPY: 2}


def test_search_results_keep_only_tickets(tmp_path: Path):
    results = [{"result_type": "user", "id": 5}, {**ticket(8), "result_type": "ticket"}]
    rows = read_interactions(write_json(tmp_path, {"results": results}))
    assert [(r["interaction_id"], r["_line"]) for r in rows] == [("8", 2)]


def test_a_bare_array_of_tickets_is_accepted(tmp_path: Path):
    assert [r["interaction_id"] for r in read_interactions(write_json(tmp_path, [ticket(4)]))] == [
        "4"
    ]


def test_timestamps_keep_fractions_and_offsets(tmp_path: Path):
    tickets = [
        ticket(1, created_at="2026-10-01T09:00:00.250Z"),
        ticket(2, created_at="2026-10-01T11:00:00+02:00"),
        ticket(3, created_at=None),
    ]
    rows = read_interactions(write_json(tmp_path, {"tickets": tickets}))
    assert [r["started_at"] for r in rows] == [
        "2026-10-01T09:00:00.250+00:00",
        "2026-10-01T11:00:00+02:00",
        None,
    ]


# --- broken input -------------------------------------------------------------------------


def test_a_bad_timestamp_names_file_record_id_and_field(tmp_path: Path):
    tickets = [ticket(40), ticket(41), ticket(42, created_at="yesterday")]
    path = write_json(tmp_path, {"tickets": tickets})
    message = "tickets.json: record 3 (id 42): created_at 'yesterday' is not an ISO 8601 timestamp"
    with pytest.raises(AdapterError) as info:
        read_interactions(path)
    assert str(info.value) == message


def test_a_ticket_without_id_is_refused(tmp_path: Path):
    bad = ticket(1)
    del bad["id"]
    with pytest.raises(AdapterError, match=r"record 2: id is missing"):
        read_interactions(write_json(tmp_path, {"tickets": [ticket(9), bad]}))


def test_broken_json_is_refused_with_its_position(tmp_path: Path):
    path = tmp_path / "tickets.json"
    path.write_text('{"tickets": [{"id": 1,}]}', encoding="utf-8")
    with pytest.raises(AdapterError, match=r"tickets\.json: not valid JSON: .* line 1 column"):
        read_interactions(path)


def test_a_broken_json_line_is_refused_with_its_line_number(tmp_path: Path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(ticket(1)) + "\n" + json.dumps(ticket(2)) + '\n{"id": 3,\n')
    with pytest.raises(AdapterError, match=r"export\.jsonl: line 3: not valid JSON"):
        read_interactions(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ('"tickets"', "expected Zendesk tickets"),
        ('{"tickets": {"id": 1}}', "tickets should be an array"),
        ('{"tickets": [1]}', "record 1: expected a JSON object, got a number"),
        ('{"tickets": [{"id": true}]}', "record 1: id is not an id"),
    ],
)
def test_structurally_broken_files_are_refused(tmp_path: Path, content: str, problem: str):
    path = tmp_path / "tickets.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AdapterError, match=problem):
        read_interactions(path)


# --- surveys ------------------------------------------------------------------------------


def rating(rating_id: int, ticket_id: int, score: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": rating_id,
        "ticket_id": ticket_id,
        "assignee_id": 135,
        "score": score,
        "created_at": "2026-10-02T08:00:00Z",
        "updated_at": "2026-10-02T08:05:00Z",
        "comment": None,
    }
    return {**base, **fields}


def read_surveys(path: Path):
    return get_adapter("zendesk").read(path, "surveys")


def test_legacy_good_and_bad_map_to_five_and_one_and_non_responses_are_dropped(tmp_path: Path):
    ratings = [
        rating(1, 101, "good", comment="Quick and kind"),
        rating(2, 102, "bad", updated_at=None),
        rating(3, 103, "offered"),
        rating(4, 104, "unoffered"),
    ]
    table = read_surveys(write_json(tmp_path, {"satisfaction_ratings": ratings}))
    assert table.to_pylist() == [
        {
            "interaction_id": "101",
            "kind": "csat",
            "score": "5",
            "responded_at": "2026-10-02T08:05:00+00:00",
            "comment": "Quick and kind",
            "_line": 1,
        },
        {
            "interaction_id": "102",
            "kind": "csat",
            "score": "1",
            "responded_at": "2026-10-02T08:00:00+00:00",
            "comment": None,
            "_line": 2,
        },
    ]
    assert skipped_reasons(table) == {zendesk.NOT_A_RESPONSE: 2}


def test_a_single_rating_is_accepted(tmp_path: Path):
    path = write_json(tmp_path, {"satisfaction_rating": rating(1, 77, "bad")})
    assert read_surveys(path).column("score").to_pylist() == ["1"]


def test_ratings_embedded_in_tickets_are_surveys(tmp_path: Path):
    tickets = [
        ticket(1, satisfaction_rating={"id": 5, "score": "good", "comment": "thanks"}),
        ticket(2, satisfaction_rating={"score": "offered"}),
        ticket(3),
    ]
    table = read_surveys(write_json(tmp_path, {"tickets": tickets}))
    assert table.to_pylist() == [
        {
            "interaction_id": "1",
            "kind": "csat",
            "score": "5",
            "responded_at": None,
            "comment": "thanks",
            "_line": 1,
        }
    ]
    assert skipped_count(table) == 1


def test_an_unknown_score_is_refused(tmp_path: Path):
    path = write_json(tmp_path, {"satisfaction_ratings": [rating(9, 1, "meh")]})
    with pytest.raises(AdapterError, match=r"record 1 \(id 9\): score 'meh' is not a Zendesk"):
        read_surveys(path)


def test_a_rating_without_ticket_id_is_refused(tmp_path: Path):
    bad = rating(9, 1, "good")
    del bad["ticket_id"]
    with pytest.raises(AdapterError, match=r"record 1 \(id 9\): ticket_id is missing"):
        read_surveys(write_json(tmp_path, {"satisfaction_ratings": [bad]}))
