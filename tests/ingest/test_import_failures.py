"""A file with any bad row writes nothing and says where and why: file, line, column, value."""

from __future__ import annotations

import zipfile

import pytest
from tests.ingest.conftest import (
    INTERACTIONS,
    QA,
    ROSTER,
    SURVEYS,
    errors_of,
    everything_stored,
    rejection,
    run_import,
    warehouse_counts,
    write_rows,
)

from upswing.ingest.service import format_problems

pytestmark = pytest.mark.django_db

TS = "not an ISO 8601 timestamp (e.g. 2026-10-05T09:30:00+02:00)"
UNKNOWN_AGENT = "unknown agent: not in the roster (import the roster first)"


def _with(rows, line_changes: dict[int, dict]) -> list[dict]:
    """Copies of `rows` with some changed; keys are CSV lines (the header is line 1)."""
    out = [dict(r) for r in rows]
    for line, change in line_changes.items():
        out[line - 2].update(change)
    return out


@pytest.fixture
def roster(tmp_path, warehouse_url):
    run_import("roster", tmp_path)


def test_each_bad_value_is_reported_with_line_column_value_reason(tmp_path, roster):
    rows = [dict(INTERACTIONS[0], interaction_id=f"I{i}") for i in range(1, 8)]
    rows = _with(
        rows,
        {
            2: {"started_at": "05/03/2026 9am"},
            3: {"handle_seconds": "-12"},
            4: {"agent_id": "ZZ9"},
            5: {"interaction_id": "I1"},
            6: {"channel": "phone", "answered": "maybe", "wait_seconds": "soon"},
            7: {"started_at": "2026-03-29 00:30:00 Europe/Lisbon"},
        },
    )
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows))
    assert errors_of(exc) == [
        (2, "started_at", "05/03/2026 9am", TS),
        (3, "handle_seconds", "-12", "negative seconds"),
        (4, "agent_id", "ZZ9", UNKNOWN_AGENT),
        (5, "interaction_id", "I1", "duplicate within the file (first on line 2)"),
        (6, "answered", "maybe", "not a yes/no value (true/false, yes/no, y/n, 1/0)"),
        (6, "channel", "phone", "not one of: voice, chat, email, social, other"),
        (6, "wait_seconds", "soon", "not a number of seconds"),
        # A zone name is not an ISO 8601 offset: it must not load as an empty timestamp.
        (7, "started_at", "2026-03-29 00:30:00 Europe/Lisbon", TS),
    ]
    assert exc.problems.count == 8
    assert exc.message == "calls.csv: 8 problem(s) in 7 rows; nothing was imported"
    # Problems a person reads: one line per column and reason, with the lines and a value.
    assert format_problems(exc)[1:] == [
        f"calls.csv: started_at: {TS}: 2 lines (2, 7); first value '05/03/2026 9am'",
        "calls.csv: handle_seconds: negative seconds: 1 line (3); first value '-12'",
        "calls.csv: agent_id: unknown agent: not in the roster (import the roster first): "
        "1 line (4); first value 'ZZ9'",
        "calls.csv: interaction_id: duplicate within the file: 1 line (5); first value 'I1'",
        "calls.csv: answered: not a yes/no value (true/false, yes/no, y/n, 1/0): 1 line (6); "
        "first value 'maybe'",
        "calls.csv: channel: not one of: voice, chat, email, social, other: 1 line (6); "
        "first value 'phone'",
        "calls.csv: wait_seconds: not a number of seconds: 1 line (6); first value 'soon'",
    ]


def test_missing_value_infinite_and_text_numbers(tmp_path, roster):
    rows = _with(
        [dict(INTERACTIONS[0], interaction_id=f"I{i}") for i in range(1, 5)],
        {
            2: {"agent_id": None},
            3: {"handle_seconds": "inf"},
            4: {"handle_seconds": "12,5"},
            5: {"hold_seconds": "NaN"},
        },
    )
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows))
    assert errors_of(exc) == [
        (2, "agent_id", None, "required value is missing"),
        (3, "handle_seconds", "inf", "not a number of seconds"),
        (4, "handle_seconds", "12,5", "not a number of seconds"),
        (5, "hold_seconds", "NaN", "not a number of seconds"),
    ]
    assert format_problems(exc)[1:3] == [
        "calls.csv: handle_seconds: not a number of seconds: 2 lines (3, 4); first value 'inf'",
        "calls.csv: agent_id: required value is missing: 1 line (2); first value (empty)",
    ]


@pytest.mark.parametrize(
    ("kind", "score", "reason"),
    [
        ("csat", "6", "a csat score is a whole number from 1 to 5"),
        ("csat", "0", "a csat score is a whole number from 1 to 5"),
        ("nps", "11", "a nps score is a whole number from 0 to 10"),
        ("nps", "-1", "a nps score is a whole number from 0 to 10"),
        ("ces", "7.5", "a ces score is a whole number from 1 to 7"),
    ],
)
def test_score_out_of_range_for_its_kind(kind, score, reason, tmp_path, roster):
    run_import("interactions", tmp_path)
    rows = [*SURVEYS, {"interaction_id": "I3", "kind": kind, "score": score}]
    exc = rejection("surveys", write_rows(tmp_path / "s.csv", rows))
    assert errors_of(exc) == [(5, "score", score, reason)]


def test_surveys_of_unknown_interactions_and_kinds(tmp_path, roster):
    run_import("interactions", tmp_path)
    rows = [
        *SURVEYS,
        {"interaction_id": "I9", "kind": "csat", "score": "4"},
        {"interaction_id": "I1", "kind": "stars", "score": "4"},
        {"interaction_id": "I1", "kind": "csat", "score": "4"},
    ]
    exc = rejection("surveys", write_rows(tmp_path / "s.csv", rows))
    assert errors_of(exc) == [
        (
            5,
            "interaction_id",
            "I9",
            "unknown interaction: import its interactions (same source) first",
        ),
        (6, "kind", "stars", "not one of: csat, nps, ces"),
        (7, "interaction_id + kind", "I1 / csat", "duplicate within the file (first on line 2)"),
    ]


def test_surveys_must_match_the_interactions_source(tmp_path, roster):
    run_import("interactions", tmp_path, source="crm")
    exc = rejection("surveys", write_rows(tmp_path / "s.csv", SURVEYS))
    assert exc.problems.count == 3


def test_qa_points_and_disagreeing_rows(tmp_path, roster):
    rows = _with(
        [*QA, dict(QA[0], evaluation_id="E2", criterion="x")],
        {
            2: {"points": "11"},
            3: {"max_points": "0", "points": "0"},
            4: {"points": "-1", "agent_id": "A2"},
        },
    )
    exc = rejection("qa", write_rows(tmp_path / "qa.csv", rows))
    disagree = "the rows of one evaluation disagree on agent, interaction or time"
    assert errors_of(exc) == [
        (2, "evaluation_id", "E1", disagree),
        (2, "points", "11", "points exceed max_points"),
        (3, "evaluation_id", "E1", disagree),
        (3, "max_points", "0", "max_points must be above 0"),
        (4, "evaluation_id", "E1", disagree),
        (4, "points", "-1", "points must not be negative"),
    ]


def test_roster_problems(tmp_path, warehouse_url):
    rows = [
        *ROSTER,
        dict(ROSTER[0], agent_id="A4", email="not-an-email", start_date="2026-02-30"),
        dict(ROSTER[0], agent_id="A5", end_date="2025-12-01", time_zone="Mars/Olympus"),
        dict(ROSTER[2], start_date="2026-01-01"),
    ]
    exc = rejection("roster", write_rows(tmp_path / "roster.csv", rows))
    assert errors_of(exc) == [
        (5, "email", "not-an-email", "not an email address"),
        (5, "start_date", "2026-02-30", "not an ISO 8601 date (YYYY-MM-DD)"),
        (6, "end_date", "2025-12-01", "ends before it starts"),
        (6, "time_zone", "Mars/Olympus", "not an IANA time zone (e.g. Europe/Lisbon)"),
        (
            7,
            "agent_id + team_id + start_date",
            "A3 / T2 / 2026-01-01",
            "duplicate within the file (first on line 4)",
        ),
        (7, "start_date", "2026-01-01", "overlaps the membership of A3 on team T2 (line 4)"),
    ]


def test_events_targets_coaching_problems(tmp_path, roster):
    exc = rejection(
        "events",
        write_rows(
            tmp_path / "e.csv",
            [
                {
                    "program_id": "P9",
                    "starts_at": "2026-03-02 10:00",
                    "ends_at": "2026-03-02 09:00",
                    "kind": "storm",
                    "team_id": "T2",
                },
            ],
        ),
    )
    assert errors_of(exc) == [
        (2, "ends_at", "2026-03-02 09:00", "ends before it starts"),
        (
            2,
            "kind",
            "storm",
            "not one of: outage, understaffing, volume_spike, policy_change, tool_change",
        ),
        (2, "program_id", "P9", "unknown program"),
    ]
    exc = rejection(
        "targets",
        write_rows(
            tmp_path / "t.csv",
            [
                {"program_id": "P1", "metric": "aht", "sla_floor": "300", "kpi_target": "400"},
                {"program_id": "P1", "metric": "speed", "sla_floor": None, "kpi_target": None},
                {"program_id": "P1", "metric": "fcr", "sla_floor": "0.7", "team_id": "T2"},
            ],
            columns=["program_id", "metric", "sla_floor", "kpi_target", "team_id"],
        ),
    )
    assert [(e.line, e.column) for e in exc.problems.errors] == [
        (2, "sla_floor"),
        (3, "metric"),
        (3, "sla_floor"),
        (4, "team_id"),
    ]
    exc = rejection(
        "coaching",
        write_rows(
            tmp_path / "c.csv",
            [
                {
                    "agent_id": "A9",
                    "coached_at": "2026-03-05 14:00",
                    "kind": "chat",
                    "metric": "speed",
                },
            ],
        ),
    )
    assert [(e.column, e.value) for e in exc.problems.errors] == [
        ("agent_id", "A9"),
        ("kind", "chat"),
        ("metric", "speed"),
    ]


def test_only_the_first_50_problems_are_listed_with_the_total(tmp_path, roster):
    rows = [
        dict(INTERACTIONS[0], interaction_id=f"I{i}", handle_seconds="-1", agent_id="X")
        for i in range(120)
    ]
    exc = rejection("interactions", write_rows(tmp_path / "many.csv", rows))
    assert exc.problems.count == 240
    assert len(exc.problems.errors) == 50
    assert [e.line for e in exc.problems.errors][:4] == [2, 2, 3, 3]
    assert exc.problems.errors[-1].line == 26
    # 240 problems are two groups, not 240 lines.
    assert format_problems(exc)[1:] == [
        "many.csv: agent_id: unknown agent: not in the roster (import the roster first): "
        "120 lines (2, 3, 4, 5, 6, …); first value 'X'",
        "many.csv: handle_seconds: negative seconds: 120 lines (2, 3, 4, 5, 6, …); "
        "first value '-1'",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl"])
def test_a_rejected_file_writes_nothing(fmt, tmp_path, roster):
    for kind in ("interactions", "surveys", "qa", "events", "targets", "coaching"):
        run_import(kind, tmp_path)
    before, counts = everything_stored(), warehouse_counts()
    bad = {
        "interactions": {"handle_seconds": "-1"},
        "surveys": {"score": "99"},
        "qa": {"points": "-1"},
        "events": {"kind": "x"},
        "targets": {"metric": "x"},
        "coaching": {"kind": "x"},
        "roster": {"email": "x"},
    }
    from tests.ingest.conftest import DATA

    for kind, change in bad.items():
        # Good new rows first, then one bad row: none of them may land.
        rows = [dict(r) for r in DATA[kind]] + [dict(DATA[kind][0], **change)]
        for r in rows[:-1]:
            r.update(
                {
                    k: v + "-new"
                    for k, v in r.items()
                    if k.endswith("_id")
                    and k not in {"agent_id", "program_id", "team_id", "interaction_id"}
                    and v
                }
            )
        rejection(kind, write_rows(tmp_path / f"bad-{kind}.{fmt}", rows))
    assert everything_stored() == before
    assert warehouse_counts() == counts


def test_a_missing_required_column_is_named(tmp_path, roster):
    rows = [
        {k: v for k, v in r.items() if k not in {"started_at", "agent_id"}} for r in INTERACTIONS
    ]
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows))
    assert exc.message.startswith(
        "calls.csv: missing required column(s) agent_id, started_at for interactions"
    )
    assert exc.problems.count == 0


def test_column_names_match_case_and_space_insensitively(tmp_path, roster):
    rows = [
        {(" Interaction_ID " if k == "interaction_id" else k.upper()): v for k, v in r.items()}
        for r in INTERACTIONS
    ]
    result = run_import("interactions", tmp_path, rows)
    assert result.inserted == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("calls.txt.gz", b"x", "unknown file type '.gz'"),
        ("calls.csv", b"\xff\xfe\x00b\x00", "not valid UTF-16 with byte-order mark text"),
        ("calls.csv", b"a,b\n1,2,3\n", "line 2 has 3 values where the header has 2"),
        ("calls.csv", b"a,a\n1,2\n", "names the column 'a' twice (columns 1 and 2)"),
        ("calls.csv", b"interaction_id,agent_id,started_at,handle_seconds\n", "no rows to import"),
        ("calls.jsonl", b'{"a": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
        ("calls.parquet", b"PAR1 not really", "cannot be read as PARQUET"),
        ("calls.xlsx", b"PK\x03\x04 not really", "the XLSX archive is damaged"),
        ("calls.xlsx", b"plain text", "not a zip archive"),
    ],
)
def test_unreadable_files_are_rejected_with_a_message(name, content, message, tmp_path, roster):
    path = tmp_path / name
    path.write_bytes(content)
    exc = rejection("interactions", path)
    assert message in exc.message


def test_a_missing_file_and_an_unknown_kind(tmp_path, roster):
    assert "no such file" in rejection("interactions", tmp_path / "nope.csv").message
    path = write_rows(tmp_path / "x.csv", INTERACTIONS)
    assert "unknown kind 'calls'" in rejection("calls", path).message


def test_an_xlsx_zip_bomb_is_refused(tmp_path, roster):
    path = write_rows(tmp_path / "calls.xlsx", INTERACTIONS)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        # 64 MB of zeros squeezed into ~64 KB: small on disk, huge in memory.
        dst.writestr("xl/worksheets/padding.xml", b"\0" * 64_000_000)
    assert bomb.stat().st_size < 1_000_000
    exc = rejection("interactions", bomb)
    assert "expands too much" in exc.message


def test_csv_lines_count_values_that_span_lines(tmp_path, roster):
    rows = [
        dict(INTERACTIONS[0], interaction_id="I1", topic="line one\nline two\nthree"),
        dict(INTERACTIONS[0], interaction_id="I2", handle_seconds="-3"),
    ]
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows))
    assert errors_of(exc) == [(5, "handle_seconds", "-3", "negative seconds")]


def test_jsonl_lines_are_physical_lines_and_values_are_text(tmp_path, roster):
    path = tmp_path / "calls.jsonl"
    path.write_text(
        '{"interaction_id": "I1", "agent_id": "A1", "started_at": "2026-03-02 09:00", '
        '"handle_seconds": 30}\n\n'
        '{"interaction_id": "I2", "agent_id": "A1", "started_at": "2026-03-02 09:00", '
        '"handle_seconds": "abc", "extra": {"nested": true}}\n',
        encoding="utf-8",
    )
    exc = rejection("interactions", path)
    assert errors_of(exc) == [(3, "handle_seconds", "abc", "not a number of seconds")]


def test_xlsx_and_parquet_report_rows(tmp_path, roster):
    rows = _with(
        [dict(INTERACTIONS[0], interaction_id=f"I{i}") for i in range(3)],
        {3: {"handle_seconds": "-1"}},
    )
    xlsx = rejection("interactions", write_rows(tmp_path / "calls.xlsx", rows))
    parquet = rejection("interactions", write_rows(tmp_path / "calls.parquet", rows))
    # XLSX: the sheet's row number (header is row 1); Parquet: the record number from 1.
    assert (xlsx.line_label, xlsx.problems.errors[0].line) == ("row", 3)
    assert (parquet.line_label, parquet.problems.errors[0].line) == ("row", 2)
