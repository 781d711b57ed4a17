"""Plain-dict reports of the quality loop, shared by the CLI and the API (one shape each)."""

from __future__ import annotations

from upswing.quality import queries
from upswing.quality.models import CalibrationSession, Evaluation
from upswing.quality.rules.calibration import Agreement, describe
from upswing.quality.rules.leniency import describe_severity

LENIENCY_MODEL = (
    "score = mean + unit effect + evaluator effect + noise, fixed effects fitted by least "
    "squares; a unit is the agent for everyday evaluations and the interaction in calibration; "
    "evaluator effects are centred within each connected group of evaluators on their "
    "evaluation-weighted mean; an outlier is at least {min_effect:g} points and {z:g} standard "
    "errors from peers over at least {min_evaluations} evaluations."
)


def _round(value, places: int = 4):
    return None if value is None else round(float(value), places)


def agreement_dict(a: Agreement) -> dict:
    return {
        "key": a.key,
        "level": a.level.value,
        "alpha": _round(a.alpha),
        "icc": _round(a.icc),
        "evaluators": a.evaluators,
        "units": a.units,
        "complete_units": a.complete_units,
        "reading": a.reading,
        "sentence": describe(a),
    }


def calibration_report(session: CalibrationSession) -> dict:
    """The session and, once revealed, its agreement and deviations (blind: `results` null)."""
    results = queries.calibration_results(session)
    out = {
        "id": session.pk,
        "title": session.title,
        "program_id": session.program.code,
        "template_version": str(session.template_version),
        "status": session.status,
        "items": session.items.count(),
        "evaluators": session.participants.count(),
        "submitted": session.participants.filter(submitted_at__isnull=False).count(),
        "results": None,
    }
    if results is None:
        return out
    criteria = []
    for criterion, agreement in results.criteria:
        row = agreement_dict(agreement)
        row["key"], row["label"] = criterion.key, criterion.label
        criteria.append(row)
    out["results"] = {
        "overall": agreement_dict(results.overall),
        "criteria": criteria,
        "deviations": [
            {
                "evaluator": d.evaluator,
                "compared": d.compared,
                "matched": d.matched,
                "match_share": _round(d.match_share, 2),
                "mean_score_gap": _round(d.mean_score_gap, 2),
            }
            for d in results.deviations
        ],
    }
    return out


def leniency_report(program, config=None) -> dict:
    from upswing.quality.rules.leniency import LeniencyConfig

    config = config or LeniencyConfig()
    result = queries.program_leniency(program, config)
    return {
        "program_id": program.code,
        "model": LENIENCY_MODEL.format(
            min_effect=config.min_effect, z=config.z, min_evaluations=config.min_evaluations
        ),
        "evaluations": result.evaluations,
        "residual_sd": _round(result.residual_sd, 2),
        "evaluators": [
            {
                "evaluator": s.evaluator,
                "effect": _round(s.effect, 2),
                "se": _round(s.se, 2),
                "evaluations": s.evaluations,
                "group": s.group,
                "direction": s.direction,
                "outlier": s.outlier,
                "note": s.note,
                "sentence": describe_severity(s),
            }
            for s in result.severities
        ],
        "agents": [
            {
                "agent_id": a.agent_id,
                "evaluations": a.evaluations,
                "raw_qa": _round(a.raw, 2),
                "adjusted_qa": _round(a.adjusted, 2),
                "outlier_share": _round(a.outlier_share, 3),
                "main_evaluator": a.main_evaluator,
                "main_share": _round(a.main_share, 3),
                "flagged": a.flagged,
            }
            for a in result.agents
        ],
    }


def evaluation_dict(e: Evaluation) -> dict:
    return {
        "id": e.pk,
        "agent_id": e.agent.code,
        "program_id": e.program.code,
        "team_id": e.team.code if e.team else None,
        "interaction_id": e.interaction_id,
        "interaction_day": e.interaction_day,
        "template_version": str(e.template_version),
        "evaluator": (e.evaluator.get_username() if e.evaluator else None),
        "score": _round(e.score, 2),
        "first_score": _round(e.first_score, 2),
        "failed_critical": list(e.failed_critical),
        "status": e.status,
        "evaluated_at": e.evaluated_at,
        "recording_url": e.recording_url,
        "criteria": [
            {"criterion": m.criterion, "points": m.points, "comment": m.comment}
            for m in e.marks.all()
        ],
    }
