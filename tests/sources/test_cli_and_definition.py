"""`upswing sources …` as people run it, the definition's mistakes said in words, and the
sources' job on the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from tests.scorecards.refresh_data import load, roster

from upswing.cli import main
from upswing.ingest.tables import SourceError, parse_definition
from upswing.sources.service import add_source

from .conftest import DEFINITION, call, put_calls

T0 = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
STARTED = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_add_list_read_refresh_and_remove_from_the_command_line(tmp_path, warehouse_url):
    load(tmp_path, "roster", roster())
    put_calls(warehouse_url, [
        call("C1", "A1", "P1", STARTED, T0),
        call("C2", "GHOST", "P1", STARTED, T0),
    ])  # fmt: skip
    definition = tmp_path / "crm_calls.toml"
    definition.write_text(DEFINITION, encoding="utf-8")
    runner = CliRunner()

    added = runner.invoke(main, ["sources", "add", "crm_calls", "--file", str(definition)])
    assert added.exit_code == 0, added.output
    assert "interactions from crm_calls by updated_at" in added.output
    listed = runner.invoke(main, ["sources", "list"])
    assert listed.output.strip() == (
        "crm_calls: interactions from crm_calls by updated_at; watermark (not read yet)"
    )

    refreshed = runner.invoke(main, ["refresh", "--no-diagnose"])

    assert refreshed.exit_code == 0, refreshed.output
    lines = refreshed.output.splitlines()
    assert lines[0] == (
        "Source crm_calls: 2 rows read: 1 new, 0 updated, 0 unchanged, "
        "1 left out for their problems"
    )
    assert lines[1] == (
        "  crm_calls: agent_id: unknown agent: not in the roster (import the roster first): "
        "1 row (2); first value 'GHOST'"
    )
    assert lines[2].startswith("Refreshed P1")
    listed = runner.invoke(main, ["sources", "list"])
    assert "watermark 2026-03-05T12:00:00+00:00; last read" in listed.output

    again = runner.invoke(main, ["sources", "add", "crm_calls", "--file", str(definition)])
    assert again.exit_code == 1
    assert "exists (use --replace to redefine it)" in again.output
    removed = runner.invoke(main, ["sources", "remove", "crm_calls"])
    assert removed.output.strip() == "Source crm_calls removed; the facts it brought stay."
    assert runner.invoke(main, ["sources", "list"]).output.startswith("No sources.")


@pytest.mark.django_db
def test_a_missing_table_or_column_is_refused_when_the_source_is_added(warehouse_url):
    with pytest.raises(
        SourceError, match=r"^source crm_calls: the warehouse has no table or view crm_calls$"
    ):
        add_source("crm_calls", DEFINITION)
    put_calls(warehouse_url, [])
    renamed = DEFINITION.replace('agent_id = "agent"', 'agent_id = "agent_code"')
    with pytest.raises(
        SourceError, match=r"crm_calls has no column 'agent_code' \(its columns: call_id, agent,"
    ):
        add_source("crm_calls", renamed)
    with pytest.raises(SourceError, match="has no column 'changed'"):
        add_source("crm_calls", DEFINITION.replace('"updated_at"', '"changed"'))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[interactions.columns]\ninteraction_id = 'id'\n", "a [table] section gives the name and"),
        (
            DEFINITION.replace('watermark = "updated_at"', 'watermark = "updated_at"\nwhere = "x"'),
            "[table] has unknown keys ['where']",
        ),
        (DEFINITION + "\n[surveys.columns]\ninteraction_id = 'call_id'\n", "map exactly one kind"),
        (
            DEFINITION.replace("[interactions.columns]", "[roster.columns]"),
            "[roster] is not a kind of facts",
        ),
        (
            DEFINITION.replace('agent_id = "agent"\n', ""),
            "gives no value for the required column(s) agent_id",
        ),
        ("[table\n", "cannot be read as TOML"),
    ],
)
def test_a_wrong_definition_says_which_key_and_why(text, said):
    with pytest.raises(SourceError) as raised:
        parse_definition("crm_calls", text)
    assert said in str(raised.value)


def test_a_definition_takes_the_facts_source_and_the_plausible_dates():
    text = DEFINITION.replace('source = "test"', 'source = "crm"\ndates_from = 2020-01-01')
    parsed = parse_definition("calls", text.replace("[table]", '[table]\nschema = "crm"'))
    assert (parsed.fact_source, parsed.where, parsed.watermark) == (
        "crm",
        "crm.crm_calls",
        "updated_at",
    )
    assert parsed.dates.earliest == dt.date(2020, 1, 1)
    assert parsed.columns == [
        "call_id",
        "agent",
        "program",
        "started",
        "talk_min",
        "queue_s",
        "outcome",
        "answered",
    ]
    unnamed = parse_definition("calls", DEFINITION.replace('source = "test"', ""))
    assert unnamed.fact_source == "calls"


@pytest.mark.django_db
def test_the_read_sources_job_is_off_without_sources_and_refreshes_after_new_rows(
    tmp_path, warehouse_url
):
    from upswing.jobs import tasks
    from upswing.jobs.registry import run_work, scheduled_jobs

    job = scheduled_jobs()["read_sources"]
    assert not job.configured()
    load(tmp_path, "roster", roster())
    put_calls(warehouse_url, [call("C1", "A1", "P1", STARTED, T0)])
    add_source("crm_calls", DEFINITION)
    assert job.configured()
    from upswing.performance.models import ScorecardSnapshot

    first = run_work(tasks.read_sources)  # the queue of the tests runs the refresh at once
    assert [s["inserted"] for s in first["sources"]] == [1]
    assert ScorecardSnapshot.objects.filter(entity_code="A1", metric="volume").exists()
    ScorecardSnapshot.objects.all().delete()

    second = run_work(tasks.read_sources)

    assert [s["unchanged"] for s in second["sources"]] == [1]
    assert not ScorecardSnapshot.objects.exists()  # nothing new: no refresh queued
