"""Read-side selectors: a program's contract terms, its program-level scorecard values per
window, its events with the vendor's notices, the client's excuses, and the breach report
built from them. Program level only: no query here reads a team or an agent row."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from upswing.governance.models import (
    Contract,
    ContractVersion,
    CorrectiveActionPlan,
    EventNotice,
    Excuse,
)
from upswing.governance.rules import breaches as rules
from upswing.governance.rules import caps
from upswing.governance.rules.contracts import (
    Allowance,
    ContractLevel,
    ContractTerms,
    ServiceCredit,
    SlaLine,
    Window,
)
from upswing.metrics import Level
from upswing.org.models import Program
from upswing.scorecards.models import ContextEvent, ScorecardSnapshot


def contract_of(program: Program) -> Contract | None:
    return Contract.objects.select_related("vendor").filter(program=program).first()


def versions_of(program: Program) -> list[ContractVersion]:
    return list(
        ContractVersion.objects.filter(contract__program=program)
        .prefetch_related("lines")
        .order_by("effective_from")
    )


def terms_of(version: ContractVersion) -> ContractTerms:
    fee = float(version.monthly_fee) if version.monthly_fee is not None else None
    return ContractTerms(
        version=version.version,
        effective_from=version.effective_from,
        lines=tuple(line_terms(x) for x in version.lines.all()),
        allowance=Allowance(version.corrective_after, version.review_after, version.rolling_months),
        monthly_fee=fee,
    )


def line_terms(row) -> SlaLine:
    credit = None
    if row.credit_percent_per_point is not None and row.credit_cap_percent is not None:
        credit = ServiceCredit(
            row.credit_percent_per_point, row.credit_cap_percent, row.credit_points_per_step or 1.0
        )
    return SlaLine(
        metric=row.metric,
        floor=row.floor,
        target=row.target,
        window=Window(row.window),
        level=ContractLevel(row.level),
        source=row.source,
        credit=credit,
    )


def local_yesterday(program: Program, now: dt.datetime | None = None) -> dt.date:
    """The last whole day in the program's time zone: a window closes once its last local day
    has ended, so the default "as of" is yesterday where the program works."""
    moment = now or timezone.now()
    return (moment.astimezone(zoneinfo.ZoneInfo(program.time_zone)) - dt.timedelta(days=1)).date()


def window_values(program: Program, metrics: set[str]) -> list[rules.WindowValue]:
    """The program-level scorecard value of each metric in each week and month, and each
    calendar quarter pooled from its months."""
    rows = ScorecardSnapshot.objects.filter(
        level=Level.PROGRAM, entity_code=program.code, metric__in=metrics
    ).values_list("metric", "period_kind", "period_start", "value", "n", "partial", "numerator")
    values = [
        rules.WindowValue(metric, Window(kind), start, value, n, partial, numerator)
        for metric, kind, start, value, n, partial, numerator in rows
    ]
    return values + rules.quarter_values(values)


def event_facts(program: Program) -> list[rules.EventFact]:
    """The program's recorded events (team events too: they touch the program's numbers),
    each with the time the vendor flagged it to the client, if it did."""
    notices = dict(
        EventNotice.objects.filter(program=program).values_list("event_id", "flagged_at")
    )
    return [
        rules.EventFact(
            e.event_id,
            e.kind,
            e.starts_on,
            e.ends_on,
            e.description,
            flagged_at=notices.get(e.event_id),
            starts_at=e.starts_at,
        )
        for e in ContextEvent.objects.filter(program_code=program.code)
    ]


def accepted_excuses(program: Program, events=None) -> list[Excuse]:
    """The program's accepted excuses, each with its recorded event (None if it is gone);
    `events` (EventFacts or ContextEvents) saves reading them again."""
    if events is None:
        events = ContextEvent.objects.filter(program_code=program.code)
    by_id = {e.event_id: e for e in events}
    excuses = list(Excuse.objects.filter(program=program).order_by("-accepted_at", "-id"))
    for excuse in excuses:
        _attach_event(excuse, by_id.get(excuse.event_id))
    return excuses


def _attach_event(excuse: Excuse, event) -> None:
    excuse.event = event
    excuse.kind_label = event.kind.replace("_", " ") if event else ""


def excuse_of(program: Program, pk: int) -> Excuse | None:
    excuse = Excuse.objects.filter(program=program, pk=pk).first()
    if excuse is not None:
        event = ContextEvent.objects.filter(
            program_code=program.code, event_id=excuse.event_id
        ).first()
        _attach_event(excuse, event)
    return excuse


def excuses_of(program: Program) -> list[rules.Excuse]:
    return [
        rules.Excuse(event_id, metric)
        for event_id, metric in Excuse.objects.filter(program=program).values_list(
            "event_id", "metric"
        )
    ]


def breach_report_for(program: Program, as_of: dt.date | None = None) -> rules.BreachReport:
    """Every closed window of the program's contract judged as of `as_of` (default: the last
    whole day in the program's time zone)."""
    day = as_of or local_yesterday(program)
    versions = [terms_of(v) for v in versions_of(program)]
    metrics = {line.metric for v in versions for line in v.lines}
    return rules.breach_report(
        versions, window_values(program, metrics), event_facts(program), excuses_of(program), day
    )


@dataclass(frozen=True, slots=True)
class CapReading:
    goals: tuple[caps.GoalReading, ...]
    outcome: caps.Reading

    @property
    def summary(self) -> str:
        if not self.goals:
            return "the plan has no goal to read."
        return " ".join(g.sentence for g in self.goals)


def cap_reading(plan) -> CapReading:
    """Each goal read on the program's closed months since the plan opened."""
    goals = list(plan.goals.all())
    values = window_values(plan.program, {g.metric for g in goals})
    readings = tuple(
        caps.read_goal(
            caps.Goal(g.metric, g.baseline, g.target, g.due_on),
            [v for v in values if v.metric == g.metric and v.window is Window.MONTH],
            plan.opened_on,
        )
        for g in goals
    )
    return CapReading(readings, caps.read_outcome(readings))


def cap_terms(plan) -> caps.CapTerms:
    versions = [terms_of(v) for v in versions_of(plan.program)]
    current = versions[-1] if versions else None
    return caps.CapTerms(
        opened_on=plan.opened_on,
        due_on=plan.due_on,
        root_cause=plan.root_cause,
        findings=tuple(plan.findings),
        goals=tuple(caps.Goal(g.metric, g.baseline, g.target, g.due_on) for g in plan.goals.all()),
        actions=tuple(
            caps.Action(a.description, a.owner, a.due_on, a.done_on) for a in plan.actions.all()
        ),
        checkpoints=tuple(c.due_on for c in plan.checkpoints.all()),
        floors=tuple((x.metric, x.floor) for x in current.lines) if current else (),
    )


def calibration_alphas(program, first: dt.date, last: dt.date) -> tuple[int, list[float]]:
    """The calibration sessions of `program` revealed on days first..last, and the overall
    agreement (Krippendorff's alpha) of each that has one (no evaluator named)."""
    from upswing.quality.models import CalibrationSession, CalibrationStatus
    from upswing.quality.queries import calibration_results

    sessions = CalibrationSession.objects.filter(
        program=program, revealed_at__date__gte=first, revealed_at__date__lte=last
    ).exclude(status=CalibrationStatus.SCORING)
    alphas = []
    for session in sessions:
        results = calibration_results(session)
        if results is not None and results.overall.alpha is not None:
            alphas.append(results.overall.alpha)
    return len(sessions), alphas


def contract_uploads_by(user, limit: int = 3) -> list:
    """The user's latest contract uploads, newest first (a lead reads how they went here: the
    imports pages are the admins')."""
    from upswing.imports.models import ImportRun

    return list(
        ImportRun.objects.filter(created_by=user, kind="contracts").order_by("-created_at")[:limit]
    )


def plans_of(program):
    return CorrectiveActionPlan.objects.filter(program=program).prefetch_related(
        "goals", "actions", "checkpoints"
    )


def review_facts(program) -> dict:
    """The facts for stay, extend the plan, or exit: breach history, corrective plans kept on
    time, the trend since the review was called, and the contract's thresholds side by side."""
    from upswing.governance.models import PartnershipReview
    from upswing.governance.pages import breach_dict, cap_dict, window_dict

    report = breach_report_for(program)
    reviews = list(PartnershipReview.objects.filter(program=program).select_related("decided_by"))
    since = reviews[0].opened_on if reviews else None
    versions = versions_of(program)
    metrics = sorted({line.metric for v in versions for line in v.lines.all()})
    return {
        "breaches": [breach_dict(b) for b in report.breaches],
        "escalation": report.escalation,
        "plans": [cap_dict(p, report.as_of) for p in plans_of(program)],
        "trend": [
            window_dict(w)
            for w in report.windows
            if since is not None and w.end >= since and w.window is Window.MONTH
        ],
        "since": since,
        "thresholds": _thresholds(versions, metrics),
        "versions": versions,
        "reviews": reviews,
        "open_review": next((r for r in reviews if not r.decision), None),
    }


def _thresholds(versions, metrics: list[str]) -> list[dict]:
    from upswing.metrics import CATALOG, format_value

    rows = []
    for metric in metrics:
        cells = []
        for version in versions:
            line = next((x for x in version.lines.all() if x.metric == metric), None)
            cells.append(format_value(metric, line.floor) if line else "—")
        rows.append({"label": CATALOG[metric].label, "floors": cells})
    return rows
