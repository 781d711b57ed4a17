"""Vendors side by side: a client's programs with the same service line (or all its governed
programs), on the same metrics and the same closed months, with QA dispute and calibration
rates. Each value is pooled exactly from the months' numerators and sample sizes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from upswing.governance.models import Contract
from upswing.governance.queries import local_yesterday, terms_of, versions_of
from upswing.governance.rules.contracts import terms_for
from upswing.metrics import CATALOG, format_value, min_sample, value_from_totals
from upswing.periods import month_of
from upswing.quality.models import CalibrationSession, Evaluation
from upswing.scorecards.models import ScorecardSnapshot

MONTHS = 3


def _months(as_of: dt.date) -> list[dt.date]:
    month = month_of(as_of)
    if month.end > as_of:
        month = month.previous()
    out = []
    for _ in range(MONTHS):
        out.append(month.start)
        month = month.previous()
    return sorted(out)


def vendor_comparison(programs) -> dict:
    contracts = (
        Contract.objects.filter(program__in=programs)
        .select_related("program__client", "vendor")
        .order_by("program__client__name", "service_line", "program__name")
    )
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for c in contracts:
        groups[(c.program.client.name, c.service_line or "All programs")].append(c)
    return {"groups": [_group(client, line, members) for (client, line), members in groups.items()]}


def _group(client: str, line: str, contracts: list) -> dict:
    as_of = min(local_yesterday(c.program) for c in contracts)
    months = _months(as_of)
    metrics = sorted({m for c in contracts for m in _contract_metrics(c, as_of)})
    return {
        "client": client,
        "service_line": line,
        "months": f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}",
        "metrics": [{"code": m, "label": CATALOG[m].label} for m in metrics],
        "vendors": [_vendor_row(c, metrics, months) for c in contracts],
    }


def _contract_metrics(contract, as_of) -> list[str]:
    terms = terms_for([terms_of(v) for v in versions_of(contract.program)], as_of)
    return [line.metric for line in terms.lines] if terms else []


def _vendor_row(contract, metrics: list[str], months: list[dt.date]) -> dict:
    program = contract.program
    rows = ScorecardSnapshot.objects.filter(
        level="program", entity_code=program.code, period_kind="month",
        period_start__in=months, metric__in=metrics, partial=False,
    ).values_list("metric", "numerator", "n")  # fmt: skip
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for metric, numerator, n in rows:
        totals[metric][0] += numerator
        totals[metric][1] += n
    cells = []
    for metric in metrics:
        numerator, n = totals.get(metric, (0.0, 0))
        value = value_from_totals(CATALOG[metric], numerator, n) if n else None
        too_few = n < min_sample(metric)
        cells.append(
            {
                "value_text": "too few to judge" if n and too_few else format_value(metric, value),
                "n": n,
            }
        )
    return {
        "vendor": contract.vendor.name,
        "program": program,
        "cells": cells,
        **_qa_rates(program, months[0]),
    }


def _qa_rates(program, first: dt.date) -> dict:
    stats = Evaluation.objects.filter(program=program, interaction_day__gte=first).aggregate(
        evaluations=Count("id", distinct=True),
        disputed=Count("id", filter=Q(disputes__isnull=False), distinct=True),
    )
    evaluations = stats["evaluations"]
    rate = 100.0 * stats["disputed"] / evaluations if evaluations else None
    sessions = CalibrationSession.objects.filter(
        program=program, created_at__date__gte=first
    ).count()
    return {
        "evaluations": evaluations,
        "dispute_rate": "too few to judge" if evaluations < 6 else f"{rate:.1f}%",
        "calibration_sessions": sessions,
    }
