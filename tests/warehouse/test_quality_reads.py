"""The quality loop's warehouse reads, on hand-built rows (DuckDB and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from upswing.warehouse.quality import (
    imported_evaluations,
    interaction_facts,
    qa_sample_candidates,
)

from .conftest import load_rows

MON = dt.date(2026, 10, 12)
T0 = dt.datetime(2026, 10, 12, 9, tzinfo=dt.UTC)


def _call(iid, agent="A1", day=MON, **values):
    row = {
        "source": "crm",
        "interaction_id": iid,
        "agent_id": agent,
        "program_id": "P1",
        "started_at": T0 + dt.timedelta(days=(day - MON).days),
        "local_date": day,
        "handle_seconds": 300.0,
        "channel": "voice",
        "answered": True,
    }
    row.update(values)
    return row


def test_candidates_carry_csat_flags_and_skip_abandoned_and_other_programs(warehouse):
    load_rows(
        warehouse,
        "interactions",
        [
            _call("i1", escalated=True),
            _call("i2", reopened=True, handle_seconds=None),
            _call("i3", answered=False),
            _call("i4", program_id="P2"),
            _call("i5", day=MON + dt.timedelta(days=9)),
        ],
    )
    load_rows(
        warehouse,
        "surveys",
        [{"source": "crm", "interaction_id": "i1", "kind": "csat", "score": 2.0}],
    )
    rows = {
        r["interaction_id"]: r
        for r in qa_sample_candidates(warehouse, "P1", MON, MON + dt.timedelta(days=6))
    }
    assert set(rows) == {"i1", "i2"}
    assert rows["i1"]["csat"] == 2.0
    assert rows["i1"]["escalated"] is True
    assert rows["i2"]["reopened"] is True
    assert rows["i2"]["handle_seconds"] is None
    assert rows["i2"]["csat"] is None


def test_imported_evaluations_score_like_the_kpi(warehouse):
    def qa(eid, criterion, points, max_points=1.0, critical=False, agent="A1"):
        return {
            "source": "qa-tool",
            "evaluation_id": eid,
            "criterion": criterion,
            "interaction_id": f"i-{eid}",
            "agent_id": agent,
            "program_id": "P1",
            "evaluated_at": T0,
            "local_date": MON,
            "points": points,
            "max_points": max_points,
            "evaluator": "Quinn",
            "critical": critical,
        }

    load_rows(
        warehouse,
        "qa_scores",
        [
            qa("e1", "greet", 1),
            qa("e1", "explain", 2, 4),
            qa("e2", "verify", 0, critical=True),
            qa("e2", "greet", 1),
            qa("e3", "greet", 1, agent="A2"),
        ],
    )
    rows = {r["evaluation_id"]: r for r in imported_evaluations(warehouse, agent_ids=["A1"])}
    assert set(rows) == {"e1", "e2"}
    assert rows["e1"]["score"] == 60.0  # 3 of 5 points
    assert rows["e2"]["score"] == 0.0  # a critical criterion lost points
    assert [c["criterion"] for c in rows["e1"]["criteria"]] == ["explain", "greet"]
    assert imported_evaluations(warehouse, agent_ids=[]) == []


def test_interaction_facts(warehouse):
    load_rows(warehouse, "interactions", [_call("i1", topic="claims")])
    facts = interaction_facts(warehouse, "crm", "i1")
    assert facts["topic"] == "claims"
    assert interaction_facts(warehouse, "crm", "nope") is None
    assert qa_sample_candidates(None, "P1", MON, MON) == []
