"""The Freshdesk adapter on hand-written export rows under the export's header row."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.ingest.adapters import AdapterError, freshdesk, get_adapter, skipped_reasons
from upswing.ingest.adapters.freshdesk import parse_time_tracked

# The header row of Freshdesk's "Export tickets" CSV: Freshdesk publishes no sample file, so
# these are the column names that public parsers of real exports read (the names four
# independent parsers agree on, plus Every response status, Survey results, Product and
# Company Name, seen in one). Exports append account-specific custom fields after them.
HEADER = [
    "Ticket ID",
    "Subject",
    "Status",
    "Priority",
    "Source",
    "Type",
    "Agent",
    "Group",
    "Created time",
    "Due by Time",
    "Resolved time",
    "Closed time",
    "Last update time",
    "Initial response time",
    "Time tracked",
    "First response time (in hrs)",
    "Resolution time (in hrs)",
    "Agent interactions",
    "Customer interactions",
    "Resolution status",
    "First response status",
    "Every response status",
    "Tags",
    "Survey results",
    "Product",
    "Summary",
    "Full name",
    "Contact ID",
    "Company Name",
]

# No real export row exists: these rows are written by hand, in the export's formats.
ROWS = [
    {
        "Ticket ID": "1001",
        "Subject": "Refund, please",
        "Status": "Closed",
        "Priority": "Medium",
        "Source": "Phone",
        "Type": "Refund",
        "Agent": "Ana Silva",
        "Created time": "2026-10-01 09:00:00",
        "Time tracked": "00:12:30",
        "Survey results": "Extremely happy",
    },
    {
        "Ticket ID": "1002",
        "Subject": "Login fails",
        "Status": "Open",
        "Source": "Chat",
        "Type": "",
        "Agent": "ben@example.com",
        "Created time": "2026-10-01 17:45:10",
        "Time tracked": "1.5",
        "Summary": 'Customer says:\n"it never works", twice',
        "Survey results": "",
    },
    {
        "Ticket ID": "1003",
        "Status": "Pending",
        "Source": "Portal",
        "Type": "Question",
        "Agent": "",
        "Created time": "2026-10-02 08:00:00",
        "Time tracked": "",
        "Survey results": "Unhappy",
    },
    {
        "Ticket ID": "1004",
        "Status": "Resolved",
        "Source": "Feedback Widget",
        "Type": "Incident",
        "Agent": "Ana Silva",
        "Created time": "2026-10-02 10:15:00",
        "Time tracked": "0:45",
        "Survey results": "4",
    },
]


def header() -> list[str]:
    return list(HEADER)


def export_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_export(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "tickets.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def read(path: Path, kind: str = "interactions") -> list[dict[str, Any]]:
    return get_adapter("freshdesk").read(path, kind).to_pylist()


def test_it_maps_an_export_with_its_header_and_custom_columns(tmp_path: Path):
    columns = [*header(), "cf_region", "cf_order_number"]
    rows = [{**row, "cf_region": "EMEA"} for row in ROWS]
    table = get_adapter("freshdesk").read(
        write_export(tmp_path, export_text(columns, rows), bom=True), "interactions"
    )
    assert table.to_pylist() == [
        {
            "interaction_id": "1001",
            "agent_id": "Ana Silva",
            "started_at": "2026-10-01T09:00:00",
            "handle_seconds": "750",
            "channel": "voice",
            "resolved": "true",
            "topic": "Refund",
            "_line": 2,
        },
        {
            "interaction_id": "1002",
            "agent_id": "ben@example.com",
            "started_at": "2026-10-01T17:45:10",
            "handle_seconds": "5400",
            "channel": "chat",
            "resolved": "false",
            "topic": None,
            "_line": 3,
        },
        {  # line 4 holds the rest of 1002's Summary; 1003 (line 5) is unassigned
            "interaction_id": "1004",
            "agent_id": "Ana Silva",
            "started_at": "2026-10-02T10:15:00",
            "handle_seconds": "2700",
            "channel": "other",
            "resolved": "true",
            "topic": "Incident",
            "_line": 6,
        },
    ]
    assert skipped_reasons(table) == {freshdesk.UNASSIGNED: 1}


def test_it_maps_survey_results(tmp_path: Path):
    path = write_export(tmp_path, export_text(header(), ROWS))
    assert read(path, "surveys") == [
        {"interaction_id": "1001", "kind": "csat", "score": "5", "_line": 2},
        {"interaction_id": "1003", "kind": "csat", "score": "2", "_line": 5},
        {"interaction_id": "1004", "kind": "csat", "score": "4", "_line": 6},
    ]


def test_a_minimal_export_emits_only_the_columns_it_has(tmp_path: Path):
    path = write_export(tmp_path, "Ticket ID,Agent,Created time\n7,Ana,2026-10-01 09:00:00\n")
    table = get_adapter("freshdesk").read(path, "interactions")
    assert table.column_names == [
        "interaction_id",
        "agent_id",
        "started_at",
        "handle_seconds",
        "_line",
    ]
    assert table.to_pylist()[0]["handle_seconds"] is None


def test_columns_are_found_ignoring_case_spaces_and_order(tmp_path: Path):
    text = " created TIME ,AGENT,ticket id,Time Tracked\n2026-10-01 09:00:00+01:00,Ana,8,2:00:00\n"
    [row] = read(write_export(tmp_path, text))
    assert row == {
        "interaction_id": "8",
        "agent_id": "Ana",
        "started_at": "2026-10-01T09:00:00+01:00",
        "handle_seconds": "7200",
        "_line": 2,
    }


@pytest.mark.parametrize(
    ("source", "channel"),
    [
        ("Phone", "voice"),
        ("Chat", "chat"),
        ("Email", "email"),
        ("Portal", "email"),
        ("Outbound Email", "email"),
        ("Twitter", "social"),
        ("Facebook", "social"),
        ("Mobihelp", "other"),
        ("Feedback Widget", "other"),
    ],
)
def test_source_maps_to_a_channel(source: str, channel: str):
    assert freshdesk.source_channel(source) == channel


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("", None),
        ("  ", None),
        ("00:12:30", Decimal(750)),
        ("1:30", Decimal(5400)),
        ("12:00:01", Decimal(43201)),
        ("1.5", Decimal(5400)),
        ("0.25", Decimal(900)),
        ("2", Decimal(7200)),
        (".5", Decimal(1800)),
        ("0", Decimal(0)),
    ],
)
def test_time_tracked_is_a_clock_or_decimal_hours(text: str, seconds: Decimal | None):
    assert parse_time_tracked(text) == seconds


@pytest.mark.parametrize(
    "text", ["1:5", "1:60", "00:61:00", "-1", "1,5", "1.5h", "NaN", "1e3", "abc"]
)
def test_anything_else_is_refused(text: str):
    with pytest.raises(AdapterError, match="is neither a duration"):
        parse_time_tracked(text)


@given(st.text())
def test_the_time_parser_never_crashes(text: str):
    try:
        seconds = parse_time_tracked(text)
    except AdapterError as exc:
        message = str(exc)
    else:
        assert seconds is None or (seconds.is_finite() and seconds >= 0)
        return
    assert message.endswith("is neither a duration (H:MM or HH:MM:SS) nor decimal hours (e.g. 1.5)")


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_clock_values_round_trip(hours: int, minutes: int, seconds: int):
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    assert parse_time_tracked(text) == hours * 3600 + minutes * 60 + seconds


# --- broken input -------------------------------------------------------------------------


def test_a_bad_time_tracked_names_the_line_ticket_and_column(tmp_path: Path):
    text = (
        "Ticket ID,Agent,Created time,Time tracked\n"
        "1,Ana,2026-10-01 09:00:00,1:00\n"
        "2,Ana,2026-10-01 09:00:00,about an hour\n"
    )
    with pytest.raises(AdapterError) as info:
        read(write_export(tmp_path, text))
    assert str(info.value).startswith(
        "tickets.csv: line 3 (Ticket ID 2): Time tracked 'about an hour' is neither"
    )


def test_a_bad_created_time_is_refused(tmp_path: Path):
    text = "Ticket ID,Agent,Created time\n5,Ana,01/10/2026 09:00\n"
    with pytest.raises(
        AdapterError, match=r"line 2 \(Ticket ID 5\): Created time '01/10/2026 09:00'"
    ):
        read(write_export(tmp_path, text))


def test_a_row_without_ticket_id_is_refused(tmp_path: Path):
    text = "Ticket ID,Agent,Created time\n,Ana,2026-10-01 09:00:00\n"
    with pytest.raises(AdapterError, match=r"tickets\.csv: line 2: Ticket ID is missing"):
        read(write_export(tmp_path, text))


def test_a_row_with_the_wrong_number_of_fields_is_refused(tmp_path: Path):
    text = (
        "Ticket ID,Agent,Created time\n1,Ana,2026-10-01 09:00:00\n2,Ana,2026-10-01 09:00:00,extra\n"
    )
    with pytest.raises(AdapterError, match=r"line 3: 4 fields where the header has 3"):
        read(write_export(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "kind", "problem"),
    [
        ("", "interactions", "the file is empty"),
        ("Ticket ID,Agent\n1,Ana\n", "interactions", "missing column\\(s\\) Created time"),
        ("Ticket ID,Agent,Created time\n", "surveys", "missing column\\(s\\) Survey results"),
        ("id,name\n1,x\n", "interactions", "missing column\\(s\\) Ticket ID, Agent, Created time"),
    ],
)
def test_files_that_are_not_ticket_exports_are_refused(
    tmp_path: Path, text: str, kind: str, problem: str
):
    with pytest.raises(AdapterError, match=problem):
        read(write_export(tmp_path, text), kind)


def test_a_non_utf8_file_is_refused(tmp_path: Path):
    path = tmp_path / "tickets.csv"
    path.write_bytes(
        "Ticket ID,Agent,Created time\n1,Jos\xe9,2026-10-01 09:00:00\n".encode("latin-1")
    )
    with pytest.raises(AdapterError, match="not UTF-8"):
        read(path)


@pytest.mark.parametrize(
    ("label", "score"),
    [
        ("Extremely Happy", "5"),
        ("very happy", "4"),
        ("Happy", "4"),
        ("Neutral", "3"),
        ("Unhappy", "2"),
        ("Very  Unhappy", "2"),
        ("Extremely unhappy", "1"),
        ("Awesome", "5"),
        ("Just Okay", "3"),
        ("Not Good", "1"),
        ("3", "3"),
    ],
)
def test_survey_labels_map_to_the_csat_scale(tmp_path: Path, label: str, score: str):
    path = write_export(tmp_path, f"Ticket ID,Survey results\n1,{label}\n")
    assert read(path, "surveys")[0]["score"] == score


def test_an_unknown_survey_label_is_refused(tmp_path: Path):
    path = write_export(tmp_path, "Ticket ID,Survey results\n1,Meh\n")
    with pytest.raises(
        AdapterError, match=r"line 2 \(Ticket ID 1\): Survey results 'Meh' is not a known"
    ):
        read(path, "surveys")


def test_an_unbalanced_quote_is_refused_instead_of_swallowing_rows(tmp_path: Path):
    text = 'Ticket ID,Agent,Created time\n1,"Ana,2026-10-01 09:00:00\n2,Bob,2026-10-01 09:00:00\n'
    with pytest.raises(AdapterError, match=r"line 2: 2 fields where the header has 3"):
        read(write_export(tmp_path, text))
