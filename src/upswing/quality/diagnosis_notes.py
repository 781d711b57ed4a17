"""The diagnosis's note on QA findings: when most of an agent's evaluations in the judged
window come from one evaluator, the finding says so with the numbers (and that evaluator's
severity on the program's overlapping scoring), so a QA gap that rests on one person's
scoring is read as such before anyone acts on it."""

from __future__ import annotations

import dataclasses

from upswing.periods import window_ending
from upswing.quality.rules.leniency import (
    Scored,
    concentration_sentence,
    estimate_leniency,
    evaluator_concentration,
)
from upswing.warehouse.quality import evaluator_scores

QA_METRIC = "qa"


def note_qa_evaluators(wh, program, inputs, findings) -> list:
    """The program's findings, QA ones with the evaluator-concentration reason added."""
    if not any(f.metric == QA_METRIC for f in findings):
        return list(findings)
    judged = window_ending(inputs.last_period, inputs.config.window)
    rows = evaluator_scores(wh.ibis, program.code, judged[0].start, inputs.last_period.end)
    scored = [
        Scored(f"agent:{r['agent_id']}", r["evaluator"], r["score"], r["agent_id"])
        for r in rows
        if r["score"] is not None
    ]
    severities = {s.evaluator: s for s in estimate_leniency(scored).severities}
    by_agent: dict[str, list[tuple[str, float]]] = {}
    for s in scored:
        by_agent.setdefault(s.agent_id, []).append((s.evaluator, s.score))
    out = []
    for finding in findings:
        note = None
        if finding.metric == QA_METRIC:
            note = evaluator_concentration(
                finding.agent_id, by_agent.get(finding.agent_id, []), severities
            )
        if note is not None:
            finding = dataclasses.replace(
                finding, reasons=(*finding.reasons, concentration_sentence(note))
            )
        out.append(finding)
    return out
