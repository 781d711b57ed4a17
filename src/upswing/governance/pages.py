"""What the pages, the API and the CLI show of a breach report: plain dicts with values
formatted once (`metrics.format_value`). Program level only: nothing here names a person."""

from __future__ import annotations

import datetime as dt

from upswing.governance.rules.breaches import (
    BreachReport,
    CountedBreach,
    EventFact,
    Verdict,
    WindowResult,
)
from upswing.metrics import CATALOG, format_value


def event_dict(event: EventFact) -> dict:
    return {
        "event_id": event.event_id,
        "kind": event.kind,
        "kind_label": event.kind.replace("_", " "),
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "description": event.description,
        "flagged": event.flagged_at is not None,
        "flagged_in_advance": event.flagged_in_advance,
    }


VERDICT_LABELS = {
    Verdict.MET: "met",
    Verdict.BREACH: "breach",
    Verdict.TOO_FEW: "too few to judge",
    Verdict.NO_DATA: "no data",
    Verdict.OPEN: "not complete",
}


def window_dict(result: WindowResult) -> dict:
    return {
        "metric": result.metric,
        "metric_label": CATALOG[result.metric].label,
        "window": result.window.value,
        "period": result.label,
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "value": result.value,
        "value_text": format_value(result.metric, result.value),
        "n": result.n,
        "floor": result.floor,
        "floor_text": format_value(result.metric, result.floor),
        "target": result.target,
        "verdict": result.verdict.value,
        "verdict_label": VERDICT_LABELS[result.verdict],
        "version": result.version,
        "source": result.source,
        "events": [event_dict(e) for e in result.events],
    }


def breach_dict(breach: CountedBreach) -> dict:
    result = breach.result
    credit = result.credit
    return window_dict(result) | {
        "excused": result.excused,
        "excused_by": list(result.excused_by),
        "count": breach.count,
        "allowed": breach.allowed,
        "escalation": breach.escalation.value if breach.escalation else None,
        "escalation_label": breach.escalation.label if breach.escalation else "excused",
        "credit": None
        if credit is None
        else {"percent": credit.percent, "amount": credit.amount, "capped": credit.capped},
    }


def breaches_payload(program, report: BreachReport) -> dict:
    allowance = report.allowance
    return {
        "program": program.code,
        "program_name": program.name,
        "as_of": report.as_of.isoformat(),
        "allowance": None
        if allowance is None
        else {
            "corrective_after": allowance.corrective_after,
            "review_after": allowance.review_after,
            "rolling_months": allowance.rolling_months,
        },
        "escalation": report.escalation.value if report.escalation else None,
        "breaches": [breach_dict(b) for b in report.breaches],
    }


BREACH_COLUMNS = ("metric", "window", "value", "floor", "excused", "count", "escalation")


def breach_table_rows(payload: dict) -> list[tuple[str, ...]]:
    rows = []
    for b in payload["breaches"]:
        count = "—" if b["count"] is None else f"{b['count']} of {b['allowed']} allowed"
        rows.append(
            (
                b["metric_label"],
                b["period"],
                b["value_text"],
                b["floor_text"],
                ", ".join(b["excused_by"]) if b["excused"] else "no",
                count,
                b["escalation_label"],
            )
        )
    return rows


def cap_dict(plan, as_of: dt.date) -> dict:
    actions = list(plan.actions.all())
    checkpoints = list(plan.checkpoints.all())
    return {
        "id": plan.pk,
        "status": plan.get_status_display(),
        "opened_on": plan.opened_on.isoformat(),
        "due_on": plan.due_on.isoformat(),
        "trigger": plan.trigger,
        "root_cause": plan.root_cause,
        "goals": [
            {
                "metric": g.metric,
                "metric_label": CATALOG[g.metric].label,
                "baseline_text": format_value(g.metric, g.baseline),
                "target_text": format_value(g.metric, g.target),
                "due_on": g.due_on.isoformat(),
            }
            for g in plan.goals.all()
        ],
        "actions_done_on_time": sum(1 for a in actions if a.done_on and a.done_on <= a.due_on),
        "actions_late": sum(
            1 for a in actions if (a.done_on or as_of) > a.due_on and a.due_on < as_of
        ),
        "actions": len(actions),
        "checkpoints_held": sum(1 for c in checkpoints if c.held_on),
        "checkpoints_due": sum(1 for c in checkpoints if c.due_on <= as_of),
        "outcome": plan.get_outcome_display() if plan.outcome else None,
    }
