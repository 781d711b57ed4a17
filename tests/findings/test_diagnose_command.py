"""`upswing diagnose` end to end: import a small program, refresh, diagnose, store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from upswing.cli import main
from upswing.findings.rules import RULES_VERSION
from upswing.ingest.service import import_file
from upswing.performance.models import Finding
from upswing.scorecards.refresh import refresh

FIRST_MONDAY = dt.date(2026, 8, 31)  # 2026-W36; the data runs to 2026-W43
WEEKS = 8
PER_WEEK = 40
TEAMS = {"T1": ["A1", "A2", "A3", "A4", "A5"], "T2": ["B1", "B2", "B3", "B4"]}
GAP_WEEKS = range(4, 8)  # W40..W43


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def roster() -> list[dict]:
    return [
        {
            "agent_id": agent,
            "name": f"Agent {agent}",
            "team_id": team,
            "team_name": team,
            "program_id": "P1",
            "program_name": "Care",
            "client_name": "Telco",
            "start_date": "2026-01-01",
            "time_zone": "UTC",
        }
        for team, agents in TEAMS.items()
        for agent in agents
    ]


def resolved_share(agent: str, week: int) -> float:
    in_gap = week in GAP_WEEKS
    if agent == "A1" or agent.startswith("B"):
        return 0.6 if in_gap else 0.88
    return 0.88


def interactions() -> list[dict]:
    rows = []
    for agents in TEAMS.values():
        for agent in agents:
            for week in range(WEEKS):
                resolved = round(resolved_share(agent, week) * PER_WEEK)
                for k in range(PER_WEEK):
                    day = FIRST_MONDAY + dt.timedelta(weeks=week, days=k % 5)
                    rows.append(
                        {
                            "interaction_id": f"{agent}-{week}-{k}",
                            "agent_id": agent,
                            "started_at": f"{day}T10:{k:02d}:00+00:00",
                            "handle_seconds": "300",
                            "channel": "voice",
                            "answered": "true",
                            "wait_seconds": str(10 + k),
                            "resolved": "true" if k < resolved else "false",
                            "reopened": "false",
                            "escalated": "false",
                            "topic": "billing",
                        }
                    )
    return rows


def evaluations() -> list[dict]:
    rows = []
    for agent in TEAMS["T1"]:
        for week in GAP_WEEKS:
            for e in range(2):
                day = FIRST_MONDAY + dt.timedelta(weeks=week, days=e)
                evaluation = f"EV-{agent}-{week}-{e}"
                for criterion, category in (("notes", "documentation"), ("hello", "greeting")):
                    missed = agent == "A1" and category == "documentation"
                    rows.append(
                        {
                            "evaluation_id": evaluation,
                            "interaction_id": f"{agent}-{week}-{e}",
                            "agent_id": agent,
                            "evaluated_at": f"{day}T15:00:00+00:00",
                            "criterion": criterion,
                            "points": "2" if missed else "10",
                            "max_points": "10",
                            "category": category,
                            "critical": "false",
                        }
                    )
    return rows


@pytest.fixture
def program(tmp_path, warehouse_url):
    files = {
        "roster": roster(),
        "targets": [
            {
                "program_id": "P1",
                "metric": "fcr",
                "sla_floor": "80",
                "kpi_target": "85",
                "source": "MSA 4.2",
                "effective_from": "2026-01-01",
            }
        ],
        "interactions": interactions(),
        "qa": evaluations(),
        "coaching": [
            {
                "agent_id": "A1",
                "coached_at": "2026-09-07T10:00:00+00:00",
                "kind": "one_to_one",
                "topic": "first-contact resolution",
                "metric": "fcr",
                "notes": "Reviewed two unresolved contacts.",
            },
            {
                "agent_id": "A1",
                "coached_at": "2026-10-05T10:00:00+00:00",
                "kind": "side_by_side",
                "topic": "documentation",
                "metric": "fcr",
                "notes": "Walked through the wrap-up checklist.",
            },
        ],
        "events": [
            {
                "program_id": "P1",
                "team_id": "T2",
                "kind": "tool_change",
                "starts_at": "2026-09-28T00:00:00+00:00",
                "ends_at": "2026-10-25T23:00:00+00:00",
                "description": "new CRM",
            }
        ],
    }
    for kind, rows in files.items():
        import_file(kind, write_csv(tmp_path / f"{kind}.csv", rows))
    refresh(full=True)


def diagnose(*args: str):
    result = CliRunner().invoke(main, ["diagnose", "--as-of", "2026-10-25", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.django_db
def test_diagnose_json_on_a_small_program(program):
    output = json.loads(diagnose("--program", "P1", "--format", "json"))
    assert output["as_of"] == "2026-10-25"
    assert output["period"] == "2026-W43"
    by_agent = {(f["agent_id"], f["metric"], f["kind"]): f for f in output["findings"]}

    a1 = by_agent[("A1", "fcr", "sustained_gap")]
    assert a1["cause"] == "individual"
    assert a1["recommendation"] == "pip"
    assert a1["periods"] == ["2026-W40", "2026-W41", "2026-W42", "2026-W43"]
    assert a1["reasons"][0].startswith(
        "FCR was below the SLA floor of 80.0% in 4 of the last 4 weeks"
    )
    assert "n=160 interactions" in a1["reasons"][0]
    assert "1 of 5 agents of the team" in a1["reasons"][1]
    assert a1["behaviours"] == ["documentation"]
    assert any("Documentation was missed in 8 of 8 evaluations" in r for r in a1["reasons"])
    assert len(a1["evidence"]["coaching_sessions"]) == 2
    assert len(a1["evidence"]["evaluations"]) == 8
    assert len(a1["evidence"]["snapshots"]) == 4

    for agent in TEAMS["T2"]:
        finding = by_agent[(agent, "fcr", "sustained_gap")]
        assert finding["cause"] == "systemic"
        assert finding["recommendation"] == "process_fix"
        assert len(finding["evidence"]["events"]) == 1
    assert not any(agent in ("A2", "A3", "A4", "A5") for agent, _, _ in by_agent)
    (group,) = output["similar_gaps"]
    assert group["teams"] == ["T2"]

    stored = Finding.objects.filter(as_of=dt.date(2026, 10, 25))
    assert stored.count() == len(output["findings"])
    assert set(stored.values_list("rules_version", flat=True)) == {RULES_VERSION}
    diagnose("--program", "P1", "--format", "json")  # the same day again replaces, not adds
    assert stored.count() == len(output["findings"])

    only_a1 = json.loads(diagnose("--agent", "A1", "--format", "json", "--no-store"))
    assert {f["agent_id"] for f in only_a1["findings"]} == {"A1"}
    table = diagnose("--team", "T1")
    assert re.search(r"A1\s+T1\s+fcr\s+sustained_gap\s+individual\s+pip", table)
    assert re.search(r"A1\s+T1\s+qa\s+possible_gap\s+insufficient_data\s+monitor", table)
    assert "    - FCR was below the SLA floor" in table


@pytest.mark.django_db
def test_diagnose_rejects_an_unknown_scope_and_a_bad_date(warehouse_url):
    result = CliRunner().invoke(main, ["diagnose", "--team", "NOPE"])
    assert result.exit_code == 2
    assert "unknown team 'NOPE'" in result.output
    result = CliRunner().invoke(main, ["diagnose", "--as-of", "31/10/2026"])
    assert result.exit_code == 2
    assert "is not a date" in result.output


@pytest.mark.django_db
def test_without_as_of_the_last_complete_week_with_data_is_judged(program):
    """The data end with 2026-W43; today (and yesterday) are weeks later. The diagnosis judges
    W43, says so, and finds what it finds as of that week, never empty weeks after it."""
    result = CliRunner().invoke(main, ["diagnose", "--program", "P1", "--format", "json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["period"] == "2026-W43"
    assert any(f["recommendation"] == "pip" for f in output["findings"])
    table = CliRunner().invoke(main, ["diagnose", "--program", "P1", "--no-store"]).output
    assert "judged on the last complete week with data, 2026-W43" in table
