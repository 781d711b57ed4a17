"""`upswing qa calibrate SESSION` and `upswing qa leniency --program ID` in JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from upswing.cli import main

pytestmark = pytest.mark.django_db


def _run(*args):
    return CliRunner().invoke(main, ["qa", *args], catch_exceptions=False)


def test_calibrate_prints_agreement_per_criterion_and_overall(org):
    result = _run("calibrate", "9801", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "revealed"
    assert report["evaluators"] == 3
    criteria = {c["key"]: c for c in report["results"]["criteria"]}
    assert criteria["greet"]["level"] == "nominal"
    assert criteria["explain"]["level"] == "ordinal"
    # verify: every evaluator gave 1 — no variation to agree about, so no number
    assert criteria["verify"]["alpha"] is None
    assert "no variation" in criteria["verify"]["reading"]
    assert report["results"]["overall"]["level"] == "interval"


def test_a_blind_session_prints_no_results_and_exits_1(org):
    result = _run("calibrate", "9802", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"] is None


def test_an_unknown_session_is_a_usage_error(org):
    result = CliRunner().invoke(main, ["qa", "calibrate", "424242"])
    assert result.exit_code == 2
    assert "no calibration session 424242" in result.output


def test_leniency_states_its_model_and_lists_evaluators(org):
    result = _run("leniency", "--program", "P1", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "least squares" in report["model"]
    names = {e["evaluator"] for e in report["evaluators"]}
    assert {"qa", "manager", "client_viewer"} <= names
    assert {a["agent_id"] for a in report["agents"]} == {"A1", "A3"}
    assert all(a["adjusted_qa"] is None or 0 <= a["adjusted_qa"] <= 120 for a in report["agents"])
