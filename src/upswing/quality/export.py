"""In-app evaluations into the warehouse as `qa` rows, through the normal import path, so the
`qa` metric, the scorecards and the diagnosis count them (`upswing qa export`, then refresh).

Each scored criterion becomes one row whose points are its weighted share — weight × points /
max points, 0 when its section was zeroed — and whose max_points is its weight, so points over
max points is the evaluation's score as the rules computed it before a critical failure; a
criterion that zeroes the evaluation is exported as `critical`. N/A criteria and bonus
criteria are left out (the `qa` metric has neither). Re-exporting replaces the same rows.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.db import transaction

from upswing.audit.actions import record_event
from upswing.quality.models import Evaluation
from upswing.quality.rules.scorecard import Critical, Mark, score_evaluation

SOURCE = "upswing"
COLUMNS = (
    "evaluation_id",
    "interaction_id",
    "agent_id",
    "evaluated_at",
    "criterion",
    "points",
    "max_points",
    "evaluator",
    "category",
    "critical",
)


def evaluation_rows(evaluation: Evaluation, template=None) -> list[dict]:
    template = template or evaluation.template_version.parsed()
    marks = {m.criterion: Mark(m.points) for m in evaluation.marks.all()}
    result = score_evaluation(template, marks)
    rows = []
    for criterion, outcome in zip(template.criteria, result.criteria, strict=True):
        if criterion.bonus or outcome.met is None:
            continue
        rows.append(
            {
                "evaluation_id": f"app-{evaluation.pk}",
                "interaction_id": evaluation.interaction_id,
                "agent_id": evaluation.agent.code,
                "evaluated_at": evaluation.evaluated_at.isoformat(),
                "criterion": criterion.key,
                "points": round(outcome.earned, 6),
                "max_points": criterion.weight,
                "evaluator": evaluation.evaluator.get_username() if evaluation.evaluator else "",
                "category": criterion.category,
                "critical": "true" if criterion.critical is Critical.EVALUATION else "false",
            }
        )
    return rows


def do_export_evaluations(*, actor, program=None):
    """Import every in-app evaluation (of one program, or all) as `qa` rows; the result of
    the import (rows read, inserted, updated)."""
    from upswing.ingest.service import import_file

    evaluations = Evaluation.objects.select_related(
        "agent", "evaluator", "template_version"
    ).prefetch_related("marks")
    if program is not None:
        evaluations = evaluations.filter(program=program)
    parsed: dict[int, object] = {}
    rows = []
    for e in evaluations.order_by("pk"):
        template = parsed.setdefault(e.template_version_id, e.template_version.parsed())
        rows += evaluation_rows(e, template)
    if not rows:
        return None
    with tempfile.TemporaryDirectory(prefix="upswing-qa-export-") as folder:
        path = Path(folder) / "qa.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        result = import_file("qa", path, source=SOURCE)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="quality.evaluation.export",
            object_type="quality.evaluation",
            changes={"rows": [None, len(rows)]},
            reason=f"program {program.code}" if program is not None else "all programs",
        )
    return result
