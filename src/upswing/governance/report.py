"""The monthly program report for the client: SLA attainment per metric with its trend,
breaches against the allowance, the month's events, QA and calibration results and the open
corrective action plans. Program level only: nothing in it names or numbers an agent (the
QA part is counts and rates; calibration is the overall agreement, without evaluators)."""

from __future__ import annotations

import datetime as dt
import io
import math

from django.template.loader import render_to_string

from upswing.governance import queries
from upswing.governance.models import CapStatus, CorrectiveActionPlan, PartnershipReview
from upswing.governance.pages import VERDICT_LABELS, breach_dict, cap_dict, event_dict
from upswing.governance.rules.breaches import Verdict, escalate
from upswing.governance.rules.contracts import Window, terms_for
from upswing.metrics import CATALOG, format_value
from upswing.periods import Period, PeriodKind
from upswing.quality.models import Dispute, Evaluation

TREND_MONTHS = 6


def monthly_report(program, month: Period) -> dict:
    """The report of `program` for the calendar `month` (judged as of its last day)."""
    report = queries.breach_report_for(program, month.end)
    versions = [queries.terms_of(v) for v in queries.versions_of(program)]
    terms = terms_for(versions, month.start)
    contract = queries.contract_of(program)
    in_month = [w for w in report.windows if w.window is Window.MONTH]
    return {
        "program": program.code,
        "program_name": program.name,
        "client": program.client.name,
        "vendor": contract.vendor.name if contract else None,
        "month": month.label,
        "first_day": month.start.isoformat(),
        "last_day": month.end.isoformat(),
        "contract_version": terms.version if terms else None,
        "attainment": [
            _attainment(line, in_month, month) for line in (terms.lines if terms else ())
        ],
        "allowance": _allowance(report, month),
        "events": [
            event_row(e, report) for e in report.events if e.overlaps(month.start, month.end)
        ],
        "quality": quality_summary(program, month),
        "corrective_plans": _open_plans(program, month),
        "reviews": _reviews(program, month),
    }


def _attainment(line, windows, month: Period) -> dict:
    own = [w for w in windows if w.metric == line.metric]
    this = next((w for w in own if w.start == month.start), None)
    since = month.start
    for _ in range(TREND_MONTHS - 1):
        since = Period(PeriodKind.MONTH, since).previous().start
    trend = [
        {
            "period": w.label,
            "value": w.value,
            "value_text": format_value(w.metric, w.value),
            "verdict": w.verdict.value,
        }
        for w in own
        if since <= w.start <= month.start
    ]
    return {
        "metric": line.metric,
        "metric_label": CATALOG[line.metric].label,
        "floor": line.floor,
        "floor_text": format_value(line.metric, line.floor),
        "target": line.target,
        "target_text": format_value(line.metric, line.target),
        "source": line.source,
        "value": this.value if this else None,
        "value_text": format_value(line.metric, this.value if this else None),
        "verdict": this.verdict.value if this else Verdict.NO_DATA.value,
        "verdict_label": VERDICT_LABELS[this.verdict if this else Verdict.NO_DATA],
        "trend": trend,
        "met_in_trend": sum(1 for t in trend if t["verdict"] == Verdict.MET.value),
        "judged_in_trend": sum(1 for t in trend if t["verdict"] in ("met", "breach")),
    }


def _allowance(report, month: Period) -> dict:
    """The breaches in the rolling window that ends with the month, against the allowance
    in force at its end."""
    allowance = report.allowance
    rolling = _rolling_start(report, month)
    shown = [b for b in report.breaches if rolling <= b.result.start and b.result.end <= month.end]
    count = sum(1 for b in shown if b.count is not None)
    level = escalate(count, allowance) if allowance and count else None
    return {
        "corrective_after": allowance.corrective_after if allowance else None,
        "review_after": allowance.review_after if allowance else None,
        "rolling_months": allowance.rolling_months if allowance else None,
        "count": count,
        "escalation": level.value if level else None,
        "escalation_label": level.label if level else "no breach",
        "breaches": [breach_dict(b) for b in shown],
    }


def _rolling_start(report, month: Period) -> dt.date:
    months = report.allowance.rolling_months if report.allowance else 6
    start = month.start
    for _ in range(months - 1):
        start = Period(PeriodKind.MONTH, start).previous().start
    return start


def event_row(event, report) -> dict:
    excused = any(event.event_id in w.excused_by for w in report.windows)
    return event_dict(event) | {"accepted_as_excuse": excused}


def quality_summary(program, month: Period) -> dict:
    """Counts and rates of the month's QA: evaluations, mean score, disputes raised and
    upheld (per criterion), the share of evaluations disputed, and the overall agreement of
    calibration sessions revealed in the month."""
    evaluations = Evaluation.objects.filter(
        program=program, interaction_day__gte=month.start, interaction_day__lte=month.end
    )
    scores = [s for s in evaluations.values_list("score", flat=True) if s is not None]
    disputes = Dispute.objects.filter(evaluation__in=evaluations)
    raised = disputes.count()
    disputed = evaluations.filter(score__isnull=False, disputes__isnull=False).distinct().count()
    upheld = disputes.filter(outcome__in=("accepted", "partly_accepted")).count()
    sessions, alphas = queries.calibration_alphas(program, month.start, month.end)
    return {
        "evaluations": len(scores),
        "mean_score": math.fsum(scores) / len(scores) if scores else None,
        "mean_score_text": format_value("qa", math.fsum(scores) / len(scores)) if scores else "—",
        "dispute_rate": 100.0 * disputed / len(scores) if scores else None,  # evaluations, ≤ 100%
        "disputes": raised,
        "disputes_upheld": upheld,
        "calibration_sessions": sessions,
        "calibration_alpha": round(math.fsum(alphas) / len(alphas), 3) if alphas else None,
        "too_few": len(scores) < 6,
    }


def _open_plans(program, month: Period) -> list[dict]:
    plans = (
        CorrectiveActionPlan.objects.filter(program=program, opened_on__lte=month.end)
        .exclude(status=CapStatus.CLOSED, closed_on__lt=month.start)
        .prefetch_related("goals", "actions", "checkpoints")
    )
    return [cap_dict(p, month.end) for p in plans]


def _reviews(program, month: Period) -> list[dict]:
    return [
        {
            "opened_on": r.opened_on.isoformat(),
            "decision": r.get_decision_display() if r.decision else None,
            "rationale": r.rationale,
        }
        for r in PartnershipReview.objects.filter(program=program, opened_on__lte=month.end)
    ]


# --- documents --------------------------------------------------------------------------------


def render_html(data: dict) -> str:
    return render_to_string("governance/report_document.html", {"r": data})


def render_pdf(data: dict) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango (about a second)

    return HTML(string=render_html(data)).write_pdf()


def render_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "SLA attainment"
    sheet.append(["Metric", "Value", "Floor", "Target", "Result", "Met in trend", "Source"])
    for a in data["attainment"]:
        sheet.append(
            [
                a["metric_label"],
                a["value"],
                a["floor"],
                a["target"],
                a["verdict_label"],
                f"{a['met_in_trend']} of {a['judged_in_trend']}",
                a["source"],
            ]
        )
    breaches = book.create_sheet("Breaches")
    breaches.append(["Metric", "Month", "Value", "Floor", "Excused", "Count", "Escalation"])
    for b in data["allowance"]["breaches"]:
        breaches.append(
            [
                b["metric_label"],
                b["period"],
                b["value"],
                b["floor"],
                "yes" if b["excused"] else "no",
                b["count"],
                b["escalation_label"],
            ]
        )
    events = book.create_sheet("Events")
    events.append(["Kind", "From", "To", "Flagged in advance", "Accepted as excuse"])
    for e in data["events"]:
        events.append(
            [
                e["kind_label"],
                e["starts_on"],
                e["ends_on"],
                "yes" if e["flagged_in_advance"] else "no",
                "yes" if e["accepted_as_excuse"] else "no",
            ]
        )
    quality = book.create_sheet("Quality")
    for key, value in data["quality"].items():
        quality.append([key.replace("_", " "), value])
    plans = book.create_sheet("Corrective plans")
    plans.append(["Opened", "Due", "Status", "Trigger", "Actions on time", "Checkpoints held"])
    for p in data["corrective_plans"]:
        plans.append(
            [
                p["opened_on"],
                p["due_on"],
                p["status"],
                p["trigger"],
                f"{p['actions_done_on_time']} of {p['actions']}",
                f"{p['checkpoints_held']} of {p['checkpoints_due']}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
