"""Hostile rows through every import channel, the CLI, the API and the imports page:
impossible and far dates,
ids with slashes and control characters, over-long names, formula payloads, and files in
every sniffed encoding. Each file is imported whole or refused whole with a readable reason:
0 server errors, 0 partial writes, 0 blocked refreshes, and nothing implausible ever
reaches the warehouse."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from tests.ingest.conftest import ROSTER, run_import

from upswing.warehouse.connection import open_warehouse

HOSTILE_DATES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "1899-12-30 00:00:00",
    "2026-02-30 10:00:00",
    "2026-03-02 25:00:00",
    "1970-01-01T00:00:00Z",
    "294247-01-10T04:00:54Z",
    "",
    "2026-03-02T09:00:00+02:00",
    "2026-03-02 09:00:00",
]
HOSTILE_TEXT = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "a/b",
    "..\\..\\etc",
    "x\x00y",
    "tab\there",
    "line\nbreak",
    "é ü ß 中文 😀",
    "'; DROP TABLE interactions; --",
    "x" * 250,
    "",
    " ",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
DELIMITERS = [",", ";", "\t", "|"]

ids = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
rows = st.lists(
    st.fixed_dictionaries(
        {
            "interaction_id": ids,
            "agent_id": st.sampled_from(["A1", "A2", "A3", "a/1", "A1\x00", "", "Z" * 120]),
            "started_at": st.one_of(st.sampled_from(HOSTILE_DATES), st.text(max_size=25)),
            "handle_seconds": st.sampled_from(["300", "-1", "1e400", "NaN", "=1+1", "", "12,5"]),
            "topic": st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30)),
        }
    ),
    min_size=1,
    max_size=6,
)
files = st.tuples(rows, st.sampled_from(ENCODINGS), st.sampled_from(DELIMITERS))


def _encode(data: list[dict], encoding: str, delimiter: str) -> bytes | None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(list(data[0]))
    for row in data:
        writer.writerow(list(row.values()))
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return None  # not writable in that encoding (e.g. emoji in Windows-1252)


def _stored() -> list[dict]:
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        return wh.ibis.table("interactions").to_pyarrow().to_pylist()


def _check_stored(rows: list[dict]) -> None:
    earliest = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    latest = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    for row in rows:
        assert earliest <= row["started_at"] <= latest
        assert not any(c in row["interaction_id"] for c in "/\\\x00\n\t")
        assert "\x00" not in (row["topic"] or "")


@pytest.fixture
def agents(tmp_path, warehouse_url, org):
    roster = [
        dict(ROSTER[0], agent_id=f"A{i}", team_id="FUZZ-T", program_id="FUZZ-P") for i in (1, 2, 3)
    ]
    run_import("roster", tmp_path, roster)


FUZZ = hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@FUZZ
@given(file=files)
def test_hostile_files_through_the_cli(file, agents, tmp_path):
    from upswing.cli import main

    content = _encode(*file)
    if content is None:
        return
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    before = _stored()
    out = CliRunner().invoke(main, ["import", "interactions", str(path)])
    assert out.exception is None or isinstance(out.exception, SystemExit), out.output
    assert out.exit_code in (0, 2), out.output
    after = _stored()
    if out.exit_code == 2:
        assert sorted(map(repr, after)) == sorted(map(repr, before))  # nothing written
        assert str(tmp_path) not in out.output  # no server path
        assert "Error:" not in out.output
        assert "duckdb" not in out.output.lower()
    _check_stored(after)
    refreshed = CliRunner().invoke(main, ["refresh"])  # what the import accepted never blocks it
    assert refreshed.exit_code == 0, refreshed.output


@pytest.mark.django_db
@FUZZ
@given(file=files)
def test_hostile_files_through_the_api(file, agents, session_as):
    content = _encode(*file)
    if content is None:
        return
    client = session_as("admin")
    before = _stored()
    upload = SimpleUploadedFile("hostile.csv", content)
    response = client.post("/api/imports", {"kind": "interactions", "file": upload})
    assert response.status_code in (200, 422), response.content[:500]
    after = _stored()
    if response.status_code == 422:
        assert sorted(map(repr, after)) == sorted(map(repr, before))
        body = response.json()
        assert "/tmp" not in str(body)
        assert "duckdb" not in str(body).lower()
    _check_stored(after)


@pytest.fixture
def page_imports(tmp_path, settings, monkeypatch):
    """The imports page's uploads, run right after commit in the test's thread."""
    from upswing.imports import jobs

    settings.UPSWING_HOME = tmp_path / "home"
    settings.UPSWING_HOME.mkdir()
    monkeypatch.setattr(jobs, "launch", jobs.run_import_job)


@pytest.mark.django_db
@FUZZ
@given(file=files)
def test_hostile_files_through_the_imports_page(
    file, agents, page_imports, session_as, django_capture_on_commit_callbacks
):
    from upswing.imports.models import ImportRun, RunStatus

    content = _encode(*file)
    if content is None:
        return
    client = session_as("admin")
    before = _stored()
    upload = SimpleUploadedFile("hostile.csv", content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/", {"kind": "interactions", "reader": "canonical", "file": upload}
        )
    assert response.status_code == 302, response.content[:500]
    run = ImportRun.objects.latest("pk")
    assert run.status in (RunStatus.SUCCEEDED, RunStatus.REJECTED), run.error_summary
    page = client.get(f"/imports/{run.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/tmp" not in text
    assert "duckdb" not in text.lower()
    after = _stored()
    if run.status == RunStatus.REJECTED:
        assert sorted(map(repr, after)) == sorted(map(repr, before))
    _check_stored(after)


def test_an_upload_over_the_limit_is_413_on_the_api(agents, session_as, settings):
    settings.UPSWING_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("calls.csv", b"interaction_id\n" + b"x\n" * 600_000)
    response = session_as("admin").post("/api/imports", {"kind": "interactions", "file": upload})
    assert response.status_code == 413
    assert "files over 1 MB are not accepted" in response.json()["detail"]
    missing = session_as("admin").post("/api/imports", {"kind": "interactions"})
    assert missing.status_code == 422


def test_a_busy_warehouse_is_503_with_retry_after(agents, session_as, monkeypatch):
    import duckdb

    from upswing.ingest import service

    def locked(*_args, **_kwargs):
        raise duckdb.IOException('Could not set lock on file "/srv/wh.duckdb": Conflicting lock')

    monkeypatch.setattr(service, "_import", locked)
    upload = SimpleUploadedFile("calls.csv", b"interaction_id\n1\n")
    response = session_as("admin").post("/api/imports", {"kind": "interactions", "file": upload})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "busy with another import" in response.json()["detail"]
    assert "/srv" not in response.content.decode()
