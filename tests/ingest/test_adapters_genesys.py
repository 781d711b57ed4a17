"""The Genesys Cloud adapter on two sample conversations and on hand-built edge cases.

The samples (tests/ingest/fixtures/genesys/) are written for these tests in the shape of
Genesys Cloud's analytics conversation details (conversationId, conversationStart,
participants with purpose, userId and sessions of segments and metrics in milliseconds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upswing.ingest.adapters import AdapterError, genesys, get_adapter, skipped_reasons

SAMPLES = Path(__file__).parent / "fixtures" / "genesys"
AGENT_1 = "b4f2d9e7-1c3a-4e5b-8f6d-2a7c9e1b3d01"
AGENT_2 = "b4f2d9e7-1c3a-4e5b-8f6d-2a7c9e1b3d02"

CONVERSATION_1 = {
    "interaction_id": "5d0c7a1e-2b6f-4c1a-9e3d-0a1b2c3d4e01",
    "agent_id": AGENT_1,
    "started_at": "2026-03-02T08:15:04.250+00:00",
    "handle_seconds": "371.02",  # tHandle 371020 ms
    "channel": "voice",
    "answered": "true",  # tAnswered on the agent session
    "wait_seconds": "14.82",  # tAcd 14820 ms on the acd participant
    "hold_seconds": "62.75",  # tHeld 62750 ms
    "transferred": "false",
    "topic": "3e8b6f10-5a2d-4c7e-b1f0-9d2c4a6e8b01",  # the queue: no wrap-up code
    "_line": 1,
}
CONVERSATION_2 = {
    "interaction_id": "5d0c7a1e-2b6f-4c1a-9e3d-0a1b2c3d4e02",
    "agent_id": AGENT_2,
    "started_at": "2026-03-03T13:40:10.005+00:00",
    "handle_seconds": "748.64",  # no tHandle: tTalk 748640 ms only
    "channel": "chat",
    "answered": "true",
    "wait_seconds": "3.25",
    "hold_seconds": "0",  # answered, never held
    "transferred": "false",
    "topic": "3e8b6f10-5a2d-4c7e-b1f0-9d2c4a6e8b02",
    "_line": 1,
}


def shared_conversation(number: int) -> Path:
    return SAMPLES / f"conversation_detail_{number}.json"


def load(number: int) -> dict[str, Any]:
    return json.loads(shared_conversation(number).read_text(encoding="utf-8"))


def read(path: Path) -> list[dict[str, Any]]:
    return get_adapter("genesys").read(path, "interactions").to_pylist()


def write_json(tmp_path: Path, document: Any, name: str = "conversations.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def metric(name: str, value: float) -> dict[str, Any]:
    return {"name": name, "value": value, "emitDate": "2026-10-01T09:00:00.000Z"}


def session(media: str, *metrics: dict[str, Any], segments: list | None = None) -> dict[str, Any]:
    return {
        "mediaType": media,
        "segments": segments if segments is not None else [{"segmentType": "interact"}],
        "metrics": list(metrics),
    }


def agent(user_id: str, *sessions: dict[str, Any]) -> dict[str, Any]:
    return {"purpose": "agent", "userId": user_id, "sessions": list(sessions)}


def queue(*metrics: dict[str, Any]) -> dict[str, Any]:
    return {"purpose": "acd", "sessions": [session("voice", *metrics, segments=[])]}


def conversation(conversation_id: str, *participants: dict[str, Any]) -> dict[str, Any]:
    return {
        "conversationId": conversation_id,
        "conversationStart": "2026-10-01T09:00:00.000Z",
        "participants": [{"purpose": "customer", "sessions": []}, *participants],
    }


# --- real fixtures ------------------------------------------------------------------------


def test_it_maps_conversation_1():
    assert read(shared_conversation(1)) == [CONVERSATION_1]


def test_it_maps_conversation_2_without_thandle():
    assert read(shared_conversation(2)) == [CONVERSATION_2]


def test_the_query_response_wrapper_numbers_records(tmp_path: Path):
    path = write_json(tmp_path, {"conversations": [load(1), load(2)], "totalHits": 2})
    assert read(path) == [CONVERSATION_1, {**CONVERSATION_2, "_line": 2}]


def test_a_json_array_and_json_lines_are_accepted(tmp_path: Path):
    assert [r["_line"] for r in read(write_json(tmp_path, [load(2), load(1)]))] == [1, 2]
    lines = tmp_path / "conversations.jsonl"
    lines.write_text(json.dumps(load(1)) + "\n\n" + json.dumps(load(2)) + "\n", encoding="utf-8")
    assert read(lines) == [CONVERSATION_1, {**CONVERSATION_2, "_line": 3}]


def test_a_query_that_matched_nothing_is_an_empty_table(tmp_path: Path):
    assert read(write_json(tmp_path, {"totalHits": 0})) == []
    assert read(write_json(tmp_path, {"conversations": [], "totalHits": 0})) == []


# --- attribution and metrics --------------------------------------------------------------


def test_a_transfer_goes_to_the_last_agent_who_interacted_with_their_own_metrics(tmp_path: Path):
    first = agent(
        "A1",
        session(
            "voice",
            metric("tAnswered", 2000),
            metric("tHandle", 60000),
            segments=[{"segmentType": "interact", "disconnectType": "transfer", "queueId": "Q1"}],
        ),
    )
    second = agent(
        "A2",
        session(
            "voice",
            metric("tAnswered", 5000),
            metric("tTalk", 100000),
            metric("tHeld", 10000),
            metric("tHeld", 5000),
            metric("tAcw", 30000),
            segments=[{"segmentType": "interact", "queueId": "Q2"}, {"wrapUpCode": "W-billing"}],
        ),
    )
    ringing = agent(
        "A3", session("voice", metric("tAlert", 8000), segments=[{"segmentType": "alert"}])
    )
    path = write_json(
        tmp_path,
        conversation(
            "c1", queue(metric("tAcd", 2000)), first, queue(metric("tAcd", 4500)), second, ringing
        ),
    )
    [row] = read(path)
    assert row["agent_id"] == "A2"
    assert row["transferred"] == "true"
    assert row["handle_seconds"] == "145"  # 100 s talk + 15 s held + 30 s after-call work
    assert row["hold_seconds"] == "15"
    assert row["wait_seconds"] == "6.5"  # both queues
    assert row["channel"] == "voice"
    assert row["topic"] == "W-billing"


def test_an_agent_who_comes_back_gets_both_legs(tmp_path: Path):
    legs = [
        agent("A1", session("voice", metric("tAnswered", 1), metric("tHandle", 10000))),
        agent("A2", session("voice", metric("tAnswered", 1), metric("tHandle", 20000))),
        agent("A1", session("voice", metric("tAnswered", 1), metric("tHandle", 30000))),
    ]
    [row] = read(write_json(tmp_path, conversation("c1", *legs)))
    assert (row["agent_id"], row["handle_seconds"], row["transferred"]) == ("A1", "40", "true")


def test_a_conversation_without_an_agent_is_skipped_and_counted(tmp_path: Path):
    abandoned = conversation("c1", queue(metric("tAcd", 30000), metric("tAbandon", 30000)))
    handled = conversation("c2", agent("A1", session("voice", metric("tAnswered", 1))))
    table = get_adapter("genesys").read(write_json(tmp_path, [abandoned, handled]), "interactions")
    assert table.column("interaction_id").to_pylist() == ["c2"]
    assert table.column("_line").to_pylist() == [2]
    assert skipped_reasons(table) == {genesys.NO_AGENT: 1}


def test_an_alerted_agent_whose_caller_abandoned_is_not_answered(tmp_path: Path):
    ringing = agent(
        "A3", session("callback", metric("tAlert", 8000), segments=[{"segmentType": "alert"}])
    )
    document = conversation("c1", queue(metric("tAcd", 9000), metric("tAbandon", 9000)), ringing)
    [row] = read(write_json(tmp_path, document))
    assert row["agent_id"] == "A3"
    assert row["answered"] == "false"
    assert row["handle_seconds"] is None
    assert row["hold_seconds"] is None
    assert row["channel"] == "voice"
    assert row["transferred"] == "false"


def test_nconnected_on_the_agent_counts_as_answered(tmp_path: Path):
    document = conversation("c1", agent("A1", session("email", metric("nConnected", 1))))
    [row] = read(write_json(tmp_path, document))
    assert (row["answered"], row["channel"], row["wait_seconds"]) == ("true", "email", None)


@pytest.mark.parametrize(
    ("media", "channel"),
    [
        ("voice", "voice"),
        ("callback", "voice"),
        ("chat", "chat"),
        ("message", "chat"),
        ("email", "email"),
        ("video", "other"),
        ("cobrowse", "other"),
    ],
)
def test_media_type_maps_to_a_channel(tmp_path: Path, media: str, channel: str):
    document = conversation("c1", agent("A1", session(media, metric("tAnswered", 1))))
    assert read(write_json(tmp_path, document))[0]["channel"] == channel


# --- broken input -------------------------------------------------------------------------


def test_a_conversation_without_id_is_refused(tmp_path: Path):
    document = load(1)
    del document["conversationId"]
    with pytest.raises(AdapterError, match=r"record 2: conversationId is missing"):
        read(write_json(tmp_path, {"conversations": [load(2), document]}))


def test_a_non_numeric_metric_names_its_place(tmp_path: Path):
    document = conversation("c9", agent("A1", session("voice", metric("tHandle", "long"))))
    with pytest.raises(
        AdapterError,
        match=r"record 1 \(id c9\): participants\[1\]\.sessions\[0\]\.metrics\[0\] \(tHandle\) "
        r"'long' is not a number",
    ):
        read(write_json(tmp_path, [document]))


def test_a_bad_conversation_start_is_refused(tmp_path: Path):
    document = {**load(2), "conversationStart": "2021-04-2T15:30:51.418Z"}
    with pytest.raises(
        AdapterError, match=r"conversationStart '2021-04-2T15:30:51.418Z' is not an ISO"
    ):
        read(write_json(tmp_path, document))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[1, 2", "not valid JSON"),
        ('{"conversations": 3}', "conversations should be an array"),
        ('{"id": 3}', "expected Genesys conversation details"),
        ('{"conversationId": "c", "participants": {}}', r"participants should be an array"),
    ],
)
def test_structurally_broken_files_are_refused(tmp_path: Path, content: str, problem: str):
    path = tmp_path / "conversations.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AdapterError, match=problem):
        read(path)
