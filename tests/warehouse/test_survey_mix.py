"""Survey mix cells (what a survey metric is compared with peers on): per agent and cell of
channel, wait band and topic, on hand-built rows (DuckDB and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from upswing.findings.diagnosis import SURVEY_MIX_METRICS
from upswing.warehouse.reads import survey_mix_cells

from .conftest import load_rows

MON = dt.date(2026, 10, 12)
T0 = dt.datetime(2026, 10, 12, 9, tzinfo=dt.UTC)


def _call(iid: str, agent: str, wait: float, topic: str = "billing") -> dict:
    return {
        "source": "crm",
        "interaction_id": iid,
        "agent_id": agent,
        "program_id": "P1",
        "started_at": T0,
        "local_date": MON,
        "handle_seconds": 300.0,
        "channel": "voice",
        "answered": True,
        "wait_seconds": wait,
        "topic": topic,
    }


def _survey(iid: str, kind: str, score: float) -> dict:
    return {"source": "crm", "interaction_id": iid, "kind": kind, "score": score}


def test_every_survey_metric_has_mix_cells_and_nps_cells_add_up_to_its_formula(warehouse):
    calls = [_call(f"i{k}", "A1", 10.0) for k in range(6)] + [_call("j1", "A2", 400.0)]
    load_rows(warehouse, "interactions", calls)
    nps_scores = [10, 9, 8, 6, 0, 3]  # 2 promoters, 1 passive, 3 detractors: NPS -16.7
    surveys = [_survey(f"i{k}", "nps", s) for k, s in enumerate(nps_scores)]
    surveys += [_survey("i0", "csat", 5), _survey("i1", "csat", 2), _survey("i0", "ces", 3)]
    surveys += [_survey("j1", "nps", 10), _survey("j1", "csat", 1)]
    load_rows(warehouse, "surveys", surveys)

    rows = survey_mix_cells(warehouse, "P1", MON, MON, SURVEY_MIX_METRICS).to_pyarrow()
    cells = {(r["agent_id"], r["wait_band"]): r for r in rows.to_pylist()}
    assert {metric for metric, _ in SURVEY_MIX_METRICS} == {"csat", "csat_score", "nps", "ces"}
    (a1,) = [r for (agent, _), r in cells.items() if agent == "A1"]
    assert a1["nps_n"] == 6
    assert a1["nps_sum"] / a1["nps_n"] == pytest.approx(100 * (2 - 3) / 6)
    assert a1["nps_squares"] == 10_000 * 5  # promoters and detractors, each (±100)²
    assert (a1["csat_n"], a1["csat_hits"]) == (2, 1)
    assert (a1["csat_score_n"], a1["csat_score_sum"]) == (2, 7)
    assert (a1["ces_n"], a1["ces_sum"], a1["ces_squares"]) == (1, 3, 9)
    (a2,) = [r for (agent, _), r in cells.items() if agent == "A2"]
    assert (a2["nps_n"], a2["nps_sum"], a2["csat_hits"]) == (1, 100, 0)
    assert a2["wait_band"] != a1["wait_band"]
