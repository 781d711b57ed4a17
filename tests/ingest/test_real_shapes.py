"""Three shapes of real exports import with a mapping only, no pre-processing: a call log with
offered/answered/ended times and an outcome text, a help-desk ticket export with groups and a
1-3 satisfaction text, and a semicolon-separated call file in Windows-1252.

The sample files and their mappings are in tests/ingest/samples (written for these tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.ingest.conftest import errors_of, rejection, warehouse_rows

from upswing.ingest.inspect import propose
from upswing.ingest.mapping import load_mapping
from upswing.ingest.service import format_problems, import_file

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def _import(kind: str, name: str, mapping: Path | None = None, **kwargs):
    return import_file(
        kind, SAMPLES / f"{name}.csv", mapping_path=mapping or SAMPLES / f"{name}.toml", **kwargs
    )


def _interactions() -> dict[str, dict]:
    from django.conf import settings

    from upswing.warehouse.connection import open_warehouse

    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        rows = wh.ibis.table("interactions").to_pyarrow().to_pylist()
    return {r["interaction_id"]: r for r in rows}


def test_a_call_log_derives_wait_and_handle_and_reads_the_outcome(warehouse_url):
    from upswing.org.models import Program

    assert _import("roster", "call_log").inserted == 2
    assert Program.objects.get(code="helpline").time_zone == "Europe/Berlin"
    result = _import("interactions", "call_log")
    assert (result.inserted, result.read_as) == (5, "comma-separated, UTF-8")
    calls = _interactions()
    # wait = answered - offered, handle = ended - answered, in seconds
    assert calls["C-1001"]["wait_seconds"] == 30
    assert calls["C-1001"]["handle_seconds"] == 300
    assert calls["C-1002"]["handle_seconds"] == 200
    assert calls["C-1002"]["transferred"] is True
    # An abandoned call was never answered: no wait, no handle time (not 0).
    assert calls["C-1003"]["answered"] is False
    assert calls["C-1003"]["handle_seconds"] is None
    assert calls["C-1003"]["wait_seconds"] is None
    assert calls["C-1004"]["answered"] is True  # "handled", whatever its case
    # Naive times are Berlin's (UTC+1 in March).
    assert calls["C-1001"]["started_at"] == dt.datetime(2026, 3, 2, 8, 0, 5, tzinfo=dt.UTC)
    # The same file again changes nothing.
    again = _import("interactions", "call_log")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_a_ticket_export_with_groups_and_a_three_point_satisfaction(warehouse_url):
    from upswing.org.models import Team

    assert _import("roster", "tickets").inserted == 2
    assert sorted(Team.objects.values_list("code", flat=True)) == ["Tier 1", "Tier 2"]
    assert _import("interactions", "tickets").inserted == 5
    calls = _interactions()
    assert calls["4502"]["channel"] == "email"  # web form
    assert calls["4503"]["channel"] == "voice"
    assert calls["4501"]["handle_seconds"] is None  # tickets carry no handle time
    surveys = _import("surveys", "tickets")
    assert surveys.inserted == 4  # the unrated ticket has no survey
    scores = {r[1]: r[3] for r in warehouse_rows("surveys")}
    # Bad / Neutral / Good on 1-3 become 1 / 3 / 5 on the CSAT 1-5 scale.
    assert scores == {"4501": 5.0, "4502": 1.0, "4504": 3.0, "4505": 5.0}


def test_a_semicolon_separated_windows_1252_call_file(warehouse_url):
    from upswing.org.models import Agent

    _import("roster", "calls_latin1")
    assert sorted(Agent.objects.values_list("name", flat=True)) == [
        "Françoise Lefèvre",
        "José Müller",
    ]
    result = _import("interactions", "calls_latin1")
    assert result.inserted == 4
    assert result.read_as == "semicolon-separated, Windows-1252 (Latin-1)"
    calls = _interactions()
    assert calls["A-1"]["handle_seconds"] == 270
    assert calls["A-2"]["resolved"] is False
    assert calls["A-3"]["started_at"] == dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC)


def test_derivation_mistakes_name_the_column_and_the_rows(tmp_path, warehouse_url):
    _import("roster", "tickets")
    _import("interactions", "tickets")
    bad = tmp_path / "tickets.csv"
    text = (SAMPLES / "tickets.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",Bad\n", ",Terrible\n").replace(",neutral\n", ",4\n"))
    exc = rejection("surveys", bad, mapping_path=SAMPLES / "tickets.toml")
    assert errors_of(exc) == [
        (3, "score", "Terrible", "not a number"),
        (5, "score", "4", "outside the declared scale 1 to 3"),
    ]
    calls = tmp_path / "calls.csv"
    log = (SAMPLES / "call_log.csv").read_text(encoding="utf-8")
    calls.write_text(log.replace("02/03/2026 09:11:00", "2 March 9:11"), encoding="utf-8")
    _import("roster", "call_log")
    exc = rejection("interactions", calls, mapping_path=SAMPLES / "call_log.toml")
    # One problem per derived column, with both source values; not also "not a number".
    assert format_problems(exc)[1:] == [
        "calls.csv: handle_seconds: Answered or Ended is not a timestamp in the format "
        "%d/%m/%Y %H:%M:%S: 1 line (3); first value '2 March 9:11 → 02/03/2026 09:14:20'",
        "calls.csv: wait_seconds: Offered or Answered is not a timestamp in the format "
        "%d/%m/%Y %H:%M:%S: 1 line (3); first value '02/03/2026 09:10:00 → 2 March 9:11'",
    ]


@pytest.mark.parametrize("name", ["call_log", "tickets"])
def test_inspect_proposes_a_mapping_that_loads(name, tmp_path):
    text = propose(SAMPLES / f"{name}.csv")
    path = tmp_path / "proposed.toml"
    path.write_text(text, encoding="utf-8")
    mapping = load_mapping(path)
    assert "interactions" in mapping.kinds
    assert "Question: in which time zone" in text
    rules = {r.target: r for r in mapping.for_kind("interactions").rules}
    assert rules["interaction_id"].sources in {("Call ID",), ("Ticket ID",)}


def test_inspect_derives_times_and_reads_a_scale():
    text = propose(SAMPLES / "call_log.csv", "interactions")
    assert (
        'wait_seconds = { between = ["Offered", "Answered"], parse = "%d/%m/%Y %H:%M:%S" }' in text
    )
    assert 'handle_seconds = { between = ["Answered", "Ended"]' in text
    assert 'answered = { from = "Outcome", map = {' in text
    survey = propose(SAMPLES / "tickets.csv", "surveys")
    assert "scale = [1, 3]" in survey


def test_inspect_reads_a_french_windows_1252_export():
    text = propose(SAMPLES / "calls_latin1.csv", "interactions")
    assert "read as semicolon-separated, Windows-1252 (Latin-1)" in text
    assert 'started_at = { from = "Début", parse = "%d/%m/%Y %H:%M" }' in text
    assert 'handle_seconds = { from = "Durée", parse = "hms" }' in text
    assert 'resolved = { from = "Résolu", map = { "oui" = "?", "non" = "?" } }' in text
