"""Input at the edges: implausible dates, unsafe ids, over-long text, formula payloads, files
in other delimiters and encodings, damaged and oversized workbooks, a roster without a time
zone, and a file imported again without its source."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from click.testing import CliRunner
from tests.ingest.conftest import (
    EVENTS,
    INTERACTIONS,
    ROSTER,
    errors_of,
    rejection,
    run_import,
    warehouse_rows,
    write_rows,
)

from upswing.ingest import readers
from upswing.ingest.service import DateRange, import_file

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _outside(*todays: dt.date) -> set[str]:
    """The reasons the default range (2000 to tomorrow) gives on each of these days: an import
    that runs across midnight UTC may have judged by either."""
    return {
        f"outside the plausible dates 2000-01-01 to {today + dt.timedelta(days=1)} "
        "(a placeholder or a typo?)"
        for today in todays
    }


@pytest.fixture
def roster(tmp_path, warehouse_url):
    run_import("roster", tmp_path)


def _calls(**changes):
    return [dict(INTERACTIONS[0], **changes)]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00"])
def test_placeholder_dates_are_refused_and_never_stored(value, tmp_path, roster):
    before = _today()
    exc = rejection("interactions", write_rows(tmp_path / "c.csv", _calls(started_at=value)))
    [(line, column, shown, reason)] = errors_of(exc)
    assert (line, column, shown) == (2, "started_at", value)
    assert reason in _outside(before, _today())
    assert warehouse_rows("interactions") == []


def test_the_plausible_dates_can_be_set_per_import(tmp_path, roster):
    path = write_rows(tmp_path / "c.csv", _calls(started_at="1998-05-01 10:00:00"))
    assert "outside the plausible dates" in errors_of(rejection("interactions", path))[0][3]
    dates = DateRange(dt.date(1995, 1, 1), dt.date(2030, 1, 1))
    assert import_file("interactions", path, dates=dates).inserted == 1


@pytest.mark.parametrize("bad", ["a/b", "a\\b", "tab\there", "nul\x00"])
def test_ids_with_a_slash_or_a_control_character_are_refused(bad, tmp_path, roster):
    path = write_rows(tmp_path / "c.csv", _calls(interaction_id=bad))
    reason = "an id may not hold a slash, a backslash or a control character"
    assert [(e[1], e[3]) for e in errors_of(rejection("interactions", path))] == [
        ("interaction_id", reason)
    ]


def test_lengths_are_checked_before_the_database(tmp_path, warehouse_url):
    rows = [dict(ROSTER[0], name="N" * 201), dict(ROSTER[1], agent_id="A" * 101)]
    exc = rejection("roster", write_rows(tmp_path / "r.csv", rows))
    assert [(e[0], e[1], e[3]) for e in errors_of(exc)] == [
        (2, "name", "longer than 200 characters"),
        (3, "agent_id", "longer than 100 characters"),
    ]


def test_formula_payloads_are_stored_as_text(tmp_path, roster):
    payloads = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    rows = [
        dict(INTERACTIONS[0], interaction_id=f"F{i}", topic=text) for i, text in enumerate(payloads)
    ]
    import_file("interactions", write_rows(tmp_path / "f.csv", rows))
    assert sorted(r[-1] for r in warehouse_rows("interactions") if r[1].startswith("F")) == sorted(
        payloads
    )


@pytest.mark.parametrize(
    ("delimiter", "encoding", "read_as"),
    [
        ("\t", "utf-16", "tab-separated, UTF-16 with byte-order mark"),
        ("|", "utf-8-sig", "pipe-separated, UTF-8 with byte-order mark"),
        (";", "cp1252", "semicolon-separated, Windows-1252 (Latin-1)"),
    ],
)
def test_delimiters_and_encodings_are_sniffed_and_stated(
    delimiter, encoding, read_as, tmp_path, roster
):
    names = list(INTERACTIONS[0])
    lines = [delimiter.join(names)] + [
        delimiter.join("" if r[n] is None else r[n] for n in names) for r in INTERACTIONS
    ]
    path = tmp_path / "calls.csv"
    path.write_bytes(
        ("\r\n".join(lines) + "\r\n").replace("billing", "facturação").encode(encoding)
    )
    result = import_file("interactions", path)
    assert (result.inserted, result.read_as) == (3, read_as)
    assert "facturação" in {r[-1] for r in warehouse_rows("interactions")}


def test_a_roster_without_a_time_zone_needs_one(tmp_path, warehouse_url):
    from upswing.org.models import Program

    rows = [{k: v for k, v in r.items() if k != "time_zone"} for r in ROSTER]
    path = write_rows(tmp_path / "r.csv", rows)
    exc = rejection("roster", path)
    assert {(e[1], e[3].split(":")[0]) for e in errors_of(exc)} == {
        ("time_zone", "no time zone for a new program")
    }
    assert len(exc.problems.groups) == 1
    assert import_file("roster", path, time_zone="Asia/Tokyo").inserted == 3
    assert set(Program.objects.values_list("time_zone", flat=True)) == {"Asia/Tokyo"}
    # Known programs keep their zone: the same file again needs none.
    assert import_file("roster", path).unchanged == 3
    assert "not an IANA time zone" in rejection("roster", path, time_zone="Mars/Olympus").message


def test_a_file_imported_again_without_its_source_matches_its_rows(tmp_path, roster):
    path = write_rows(tmp_path / "events.csv", EVENTS)
    assert import_file("events", path, source="demo").inserted == 2
    again = import_file("events", path)
    assert (again.source, again.inserted, again.unchanged) == ("demo", 0, 2)


def test_a_workbook_with_invalid_xml_is_refused_in_words(tmp_path, roster):
    good = write_rows(tmp_path / "good.xlsx", INTERACTIONS)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of a tag
            dst.writestr(info, data)
    message = rejection("interactions", bad).message
    assert message.startswith("bad.xlsx: the workbook is damaged")
    assert str(tmp_path) not in message


def test_a_workbook_understating_its_sizes_is_refused(tmp_path, roster):
    good = write_rows(tmp_path / "good.xlsx", INTERACTIONS)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    raw = bytearray(lying.read_bytes())
    with zipfile.ZipFile(lying) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    # Declare 10 bytes uncompressed in the central directory entry of the sheet.
    central = raw.rfind(b"PK\x01\x02" + raw[sheet.header_offset + 4 : sheet.header_offset + 6])
    entry = raw.find(b"xl/worksheets/sheet1.xml", central) - 46
    raw[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    lying.write_bytes(bytes(raw))
    message = rejection("interactions", lying).message
    assert "damaged" in message


def test_a_sheet_past_the_cell_limit_is_refused(tmp_path, roster, monkeypatch):
    monkeypatch.setattr(readers, "XLSX_MAX_CELLS", 20)
    rows = [dict(INTERACTIONS[0], interaction_id=f"I{i}") for i in range(5)]
    message = rejection("interactions", write_rows(tmp_path / "big.xlsx", rows)).message
    assert "the sheet has more than 20 cells; export it as CSV or Parquet" in message


def test_an_archive_declaring_too_much_is_refused_before_it_is_opened(
    tmp_path, roster, monkeypatch
):
    monkeypatch.setattr(readers, "XLSX_MAX_UNPACKED", 200_000)
    path = write_rows(tmp_path / "calls.xlsx", INTERACTIONS)
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        # Compressed at a plausible ratio; the declared total alone is past the limit.
        dst.writestr("xl/worksheets/sheet2.xml", b"<row/>" * (readers.XLSX_MAX_UNPACKED // 6 + 1))
    assert "expands too much" in rejection("interactions", big).message


def test_a_duplicated_header_in_a_workbook_is_refused(tmp_path, roster):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["interaction_id", "agent_id", "Agent_ID"])
    book.active.append(["I1", "A1", "A2"])
    book.save(tmp_path / "dup.xlsx")
    message = rejection("interactions", tmp_path / "dup.xlsx").message
    assert "names the column 'Agent_ID' twice (columns 2 and 3)" in message


def test_import_help_lists_kinds_and_columns():
    from upswing.cli import main

    out = CliRunner().invoke(main, ["import", "--help"])
    assert out.exit_code == 0
    assert "surveys: interaction_id*, kind* (csat/nps/ces), score*" in out.output
    assert "--time-zone" in out.output
