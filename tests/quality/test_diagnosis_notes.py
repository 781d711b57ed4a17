"""A QA finding says when the agent's gap rests mostly on one evaluator (warehouse rows)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pyarrow as pa
import pytest

from upswing.findings import rules
from upswing.periods import Period, PeriodKind
from upswing.quality.diagnosis_notes import note_qa_evaluators
from upswing.warehouse.connection import connect, ensure_tables
from upswing.warehouse.schema import TABLES

WEEK = Period(PeriodKind.WEEK, dt.date(2026, 10, 12))


@pytest.fixture
def wh():
    con = connect("duckdb://")
    ensure_tables(con)
    yield SimpleNamespace(ibis=con)
    con.disconnect()


def _evaluation(n, agent, evaluator, points):
    day = WEEK.start + dt.timedelta(days=n % 5)
    return {
        "source": "qa-tool",
        "evaluation_id": f"e{n}",
        "criterion": "all",
        "interaction_id": f"i{n}",
        "agent_id": agent,
        "program_id": "P1",
        "evaluated_at": dt.datetime.combine(day, dt.time(9), dt.UTC),
        "local_date": day,
        "points": float(points),
        "max_points": 100.0,
        "evaluator": evaluator,
        "critical": False,
    }


def _finding(agent: str, metric: str = "qa") -> rules.Finding:
    return rules.Finding(
        agent_id=agent,
        team_id="T1",
        program_id="P1",
        metric=metric,
        kind=rules.FindingKind.SUSTAINED_GAP,
        cause=rules.Cause.INDIVIDUAL,
        recommendation=rules.Recommendation.COACH,
        periods=(WEEK.label,),
        reasons=("QA 70% vs SLA floor 85%.",),
        evidence=rules.Evidence(),
    )


def test_a_qa_finding_resting_on_one_evaluator_says_so(wh):
    rows = [_evaluation(n, "A1", "Harsh", 70) for n in range(4)]
    rows.append(_evaluation(4, "A1", "Fair", 88))
    rows += [_evaluation(10 + n, f"B{n}", ("Harsh", "Fair")[n % 2], 90) for n in range(8)]
    wh.ibis.insert("qa_scores", pa.Table.from_pylist(rows, schema=TABLES["qa_scores"].to_pyarrow()))
    inputs = SimpleNamespace(last_period=WEEK, config=rules.DiagnosisConfig())
    out = note_qa_evaluators(
        wh, SimpleNamespace(code="P1"), inputs, [_finding("A1"), _finding("A1", "aht")]
    )
    qa, aht = out
    assert qa.reasons[-1].startswith(
        "4 of 5 QA evaluations (80%) were scored by one evaluator, Harsh"
    )
    assert "the other evaluators' mean is 88.0% (n=1)" in qa.reasons[-1]
    assert qa.reasons[-1].endswith("The QA gap rests mostly on one evaluator.")
    assert aht.reasons == ("QA 70% vs SLA floor 85%.",)


def test_spread_evaluations_add_no_note(wh):
    rows = [_evaluation(n, "A1", f"E{n}", 70) for n in range(5)]
    wh.ibis.insert("qa_scores", pa.Table.from_pylist(rows, schema=TABLES["qa_scores"].to_pyarrow()))
    inputs = SimpleNamespace(last_period=WEEK, config=rules.DiagnosisConfig())
    (qa,) = note_qa_evaluators(wh, SimpleNamespace(code="P1"), inputs, [_finding("A1")])
    assert qa.reasons == ("QA 70% vs SLA floor 85%.",)
