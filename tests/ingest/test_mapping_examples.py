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
    from upswing.performance.refresh import refresh

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
            'interaction_id = "Id"\nagent_id = "Who"\nstarted_at = "When"',
            "gives no value for the required column(s) handle_seconds of interactions",
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
            "give exactly one of `from` (column) or `value` (constant)",
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
