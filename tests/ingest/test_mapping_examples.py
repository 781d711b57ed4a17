"""The example mappings on the real files they were written for, and mapping errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.ingest.conftest import REPO_ROOT, rejection, warehouse_rows, write_rows

from upswing.ingest.mapping import MappingError, load_mapping
from upswing.ingest.service import import_file

pytestmark = pytest.mark.django_db
EXAMPLES = REPO_ROOT / "docs" / "examples"


def _import_all(kinds, data: Path, mapping: Path) -> dict[str, int]:
    return {k: import_file(k, data, mapping_path=mapping).inserted for k in kinds}


def test_pwc_scorecard_matches_the_published_figures(shared_data, warehouse_url):
    from upswing.cli import main
    from upswing.scorecards.refresh import refresh

    data = shared_data / "pwc-call-center" / "Call-Center-Dataset.csv"
    inserted = _import_all(
        ("roster", "interactions", "surveys"), data, EXAMPLES / "pwc-call-center.toml"
    )
    assert inserted == {"roster": 8, "interactions": 5000, "surveys": 4054}
    refresh()
    out = CliRunner().invoke(
        main,
        [
            "scorecard",
            "--program",
            "pwc-phonenow",
            "--period",
            "2021-01..2021-03",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    metrics = {m["metric"]: m for m in json.loads(out.output)["metrics"]}
    assert metrics["volume"]["value"] == 4054
    assert (
        metrics["abandonment"]["value"],
        metrics["abandonment"]["numerator"],
        metrics["abandonment"]["n"],
    ) == (18.92, 946, 5000)
    assert round(metrics["wait"]["value"], 2) == 67.52
    assert round(metrics["csat_score"]["value"], 2) == 3.40
    assert metrics["csat_score"]["value"] == pytest.approx(13798 / 4054, abs=1e-4)
    assert round(metrics["fcr"]["value"], 2) == 89.94
    assert (metrics["fcr"]["numerator"], metrics["fcr"]["n"]) == (3646, 4054)


# Eight calls in the dataset's own columns and formats, written for this test: two
# unanswered (zeros in speed, talk time and rating, as in the dataset).
PWC_SAMPLE = """Call Id,Agent,Date,Month,Time,Topic,Answered (Y/N),Resolved,\
Speed of answer in seconds,AvgTalkDuration,Satisfaction rating
ID0001,Diane,4-Jan-21,Jan,9:12,Contract related,Y,Y,20,0:02:00,5
ID0002,Diane,4-Jan-21,Jan,9:40,Technical Support,Y,N,40,0:04:00,3
ID0003,Becky,5-Jan-21,Jan,10:05,Payment related,Y,Y,60,0:03:00,4
ID0004,Becky,5-Jan-21,Jan,10:30,Admin Support,N,N,0,0:00:00,0
ID0005,Joe,12-Feb-21,Feb,14:00,Streaming,Y,Y,100,0:05:00,2
ID0006,Joe,12-Feb-21,Feb,14:20,Streaming,N,N,0,0:00:00,0
ID0007,Diane,3-Mar-21,Mar,11:11,Technical Support,Y,Y,30,0:01:30,4
ID0008,Becky,3-Mar-21,Mar,16:45,Contract related,Y,N,50,0:02:30,5
"""


def test_pwc_mapping_on_a_sample_gives_the_figures_worked_out_by_hand(tmp_path, warehouse_url):
    from upswing.cli import main
    from upswing.scorecards.refresh import refresh

    data = tmp_path / "Call-Center-Dataset.csv"
    data.write_text(PWC_SAMPLE, encoding="utf-8")
    inserted = _import_all(
        ("roster", "interactions", "surveys"), data, EXAMPLES / "pwc-call-center.toml"
    )
    assert inserted == {"roster": 3, "interactions": 8, "surveys": 6}  # ratings of 0 dropped
    refresh()
    args = ["scorecard", "--program", "pwc-phonenow", "--period", "2021-01..2021-03"]
    out = CliRunner().invoke(main, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    metrics = {m["metric"]: m for m in json.loads(out.output)["metrics"]}
    figures = {k: (m["value"], m["numerator"], m["n"]) for k, m in metrics.items()}
    assert figures["volume"][0] == 6  # the answered calls
    assert figures["abandonment"] == (25.0, 2, 8)
    assert figures["wait"][0] == pytest.approx((20 + 40 + 60 + 100 + 30 + 50) / 6)
    assert figures["aht"][0] == pytest.approx((120 + 240 + 180 + 300 + 90 + 150) / 6)
    # The JSON carries four decimals.
    assert figures["csat_score"][0] == pytest.approx((5 + 3 + 4 + 2 + 4 + 5) / 6, abs=1e-4)
    assert figures["fcr"][1:] == (4, 6)  # resolved of the answered
    assert figures["fcr"][0] == pytest.approx(100 * 4 / 6, abs=1e-4)


def test_bank_mapping_reads_the_technion_log(shared_data, warehouse_url):
    import pandas as pd

    data = shared_data / "technion-bank-dec1999-aa0216" / "clean_data.csv"
    inserted = _import_all(
        ("roster", "interactions"), data, EXAMPLES / "bank-call-center-1999.toml"
    )
    assert inserted == {"roster": 15, "interactions": 1552}
    rows = warehouse_rows("interactions")
    frame = pd.read_csv(data, dtype={"date": str})
    assert len(rows) == len(frame) == 1552
    assert len({r[2] for r in rows}) == frame["server"].nunique() == 15
    mean_handle = sum(r[6] for r in rows) / len(rows)
    assert mean_handle == pytest.approx(frame["ser_time"].mean(), abs=1e-9)
    assert round(mean_handle, 1) == 394.4
    # Asia/Jerusalem is UTC+2 in December: local dates are the file's dates.
    expected = {
        # Naive on purpose: the wall time in Jerusalem.
        f"{d}-{s}-{a}": dt.datetime.strptime(f"{d} {s}", "%y%m%d %H:%M:%S")  # noqa: DTZ007
        for d, s, a in zip(frame["date"], frame["ser_start"], frame["server"], strict=True)
    }
    for row in rows:
        local = expected[row[1]]
        assert row[4] == (local - dt.timedelta(hours=2)).replace(tzinfo=dt.UTC)
        assert row[5] == local.date()


# Four served calls in the log's own columns and formats, written for this test.
BANK_SAMPLE = """vru+line,date,q_start,q_exit,q_time,ser_start,ser_exit,ser_time,server,caja
AA0216,991201,0:00:00,0:00:00,0,7:01:48,7:08:31,403,ANNA,1
AA0216,991201,7:10:02,7:10:40,38,7:10:40,7:12:00,80,BORIS,1
AA0216,991202,0:00:00,0:00:00,0,23:59:30,0:03:10,220,ANNA,1
AA0216,991203,9:00:00,9:01:15,75,9:01:15,9:20:00,1125,BORIS,1
"""


def test_bank_mapping_on_a_sample_reads_local_times_and_builds_ids(tmp_path, warehouse_url):
    data = tmp_path / "clean_data.csv"
    data.write_text(BANK_SAMPLE, encoding="utf-8")
    inserted = _import_all(
        ("roster", "interactions"), data, EXAMPLES / "bank-call-center-1999.toml"
    )
    assert inserted == {"roster": 2, "interactions": 4}
    rows = {r[1]: r for r in warehouse_rows("interactions")}
    assert sorted(rows) == [
        "991201-7:01:48-ANNA",
        "991201-7:10:40-BORIS",
        "991202-23:59:30-ANNA",
        "991203-9:01:15-BORIS",
    ]
    late = rows["991202-23:59:30-ANNA"]
    # Asia/Jerusalem is UTC+2 in December: 23:59:30 local is 21:59:30 UTC, the same local day.
    assert late[4] == dt.datetime(1999, 12, 2, 21, 59, 30, tzinfo=dt.UTC)
    assert late[5] == dt.date(1999, 12, 2)
    assert sorted(r[6] for r in rows.values()) == [80, 220, 403, 1125]


# --- mapping errors -----------------------------------------------------------------------


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


CALLS = [
    {"Id": "1", "Who": "A1", "When": "02/03/2026 09:15", "Secs": "0:05:00"},
    {"Id": "2", "Who": "A2", "When": "02/03/2026 25:15", "Secs": "1:00"},
]


@pytest.fixture
def calls(tmp_path, warehouse_url):
    from tests.ingest.conftest import run_import

    run_import("roster", tmp_path)
    return write_rows(tmp_path / "calls.csv", CALLS)


BASE = 'interaction_id = "Id"\nagent_id = "Who"\nstarted_at = "When"\n'


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            BASE + 'handle_seconds = "Secs"\nduration = "Secs"',
            "maps to ['duration'], which are not columns of interactions",
        ),
        (
            BASE.replace('"Who"', '"Agent"') + 'handle_seconds = "Secs"',
            "the file has no column 'Agent' named in the mapping "
            "(its columns: Id, Who, When, Secs)",
        ),
        (
            'interaction_id = "Id"\nagent_id = "Who"\nhandle_seconds = "Secs"',
            "gives no value for the required column(s) started_at of interactions",
        ),
    ],
)
def test_mapping_errors_are_clear(columns, message, calls, tmp_path):
    mapping = _mapping(tmp_path, f"[interactions.columns]\n{columns}\n")
    exc = rejection("interactions", calls, mapping_path=mapping)
    assert message in exc.message


def test_a_value_the_mapping_cannot_parse_is_reported_as_it_was(calls, tmp_path):
    mapping = _mapping(
        tmp_path,
        (
            '[interactions.columns]\ninteraction_id = "Id"\nagent_id = "Who"\n'
            'started_at = { from = "When", parse = "%d/%m/%Y %H:%M" }\n'
            'handle_seconds = { from = "Secs", parse = "hms" }\n'
        ),
    )
    exc = rejection("interactions", calls, mapping_path=mapping)
    assert [(e.line, e.column, e.value) for e in exc.problems.errors] == [
        (3, "started_at", "02/03/2026 25:15"),
    ]
    ok = write_rows(tmp_path / "ok.csv", CALLS[:1])
    result = import_file("interactions", ok, mapping_path=mapping)
    assert result.inserted == 1
    row = warehouse_rows("interactions")[0]
    assert (row[4], row[6]) == (dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC), 300.0)


def test_a_strptime_format_with_an_offset_keeps_it(calls, tmp_path):
    mapping = _mapping(
        tmp_path,
        (
            '[interactions.columns]\ninteraction_id = "Id"\nagent_id = "Who"\n'
            'started_at = { from = "When", parse = "%d/%m/%Y %H:%M %z" }\nhandle_seconds = "Secs"\n'
        ),
    )
    data = write_rows(
        tmp_path / "tz.csv",
        [{"Id": "1", "Who": "A1", "When": "02/03/2026 09:15 +0300", "Secs": "5"}],
    )
    import_file("interactions", data, mapping_path=mapping)
    assert warehouse_rows("interactions")[0][4] == dt.datetime(2026, 3, 2, 6, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[x.columns\n", "cannot be read as TOML"),
        ("[interactions]\n", "[interactions.columns] is missing or empty"),
        (
            '[interactions.columns]\na = { from = "A", value = "b" }',
            "give exactly one of `from` (column), `between` (two timestamp columns) or `value`",
        ),
        ('[interactions.columns]\na = { from = "A", parse = "days" }', "parse 'days' is neither"),
        ('[interactions.columns]\na = { from = "A", parse = 5 }', "parse 5 is neither"),
        ("[interactions.columns]\na = { from = 5 }", "write a name or a list of names"),
        ('[interactions.columns]\na = { from = "A", colour = "red" }', "unknown keys ['colour']"),
        (
            '[interactions]\ndrop_rows_without = ["b"]\n[interactions.columns]\na = "A"',
            "drop_rows_without names ['b'], which [interactions.columns] does not map",
        ),
    ],
)
def test_mapping_file_errors_name_the_key(text, message, tmp_path):
    with pytest.raises(MappingError) as caught:
        load_mapping(_mapping(tmp_path, text))
    assert message in str(caught.value)


def test_null_if_takes_a_single_value(tmp_path):
    mapping = load_mapping(
        _mapping(tmp_path, '[surveys.columns]\nscore = { from = "S", null_if = "10" }')
    )
    assert mapping.for_kind("surveys").rules[0].null_if == ("10",)
    with pytest.raises(MappingError, match=r"no \[roster\] section \(this mapping has: surveys\)"):
        mapping.for_kind("roster")
