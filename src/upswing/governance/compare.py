"""Vendors side by side: a client's programs with the same service line (or all its governed
programs), on the same metrics and the same closed months, each metric raw and re-weighted to
the pooled channel mix of the vendors compared (`rules.mix`), with the QA dispute rate and the
calibration agreement.

The raw and adjusted values of a metric the warehouse holds per channel (FCR, escalation,
reopen, AHT) come from the same answered calls on the same local days; any other metric of
the contracts is the program-level scorecard pooled exactly over the months, not adjusted."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.conf import settings

from upswing.governance.models import Contract
from upswing.governance.queries import calibration_alphas, local_yesterday, terms_of, versions_of
from upswing.governance.rules.contracts import terms_for
from upswing.governance.rules.mix import TOO_FEW, Standardisation, Stratum, VendorMix, standardise
from upswing.metrics import CATALOG, format_value, min_sample, value_from_totals
from upswing.periods import month_of
from upswing.quality.models import Dispute, Evaluation
from upswing.quality.rules.calibration import alpha_verdict
from upswing.scorecards.models import ScorecardSnapshot
from upswing.warehouse import reads
from upswing.warehouse.evidence import WarehouseBusyError, read_only_warehouse

MONTHS = 3
# Metrics the warehouse holds per channel: (contacts column, numerator column).
ADJUSTABLE = {
    "fcr": ("fcr_n", "fcr_hits"),
    "escalation": ("escalation_n", "escalation_hits"),
    "reopen": ("reopen_n", "reopen_hits"),
    "aht": ("aht_n", "aht_sum"),
}
BUSY = "The warehouse is being updated: the adjusted values are missing; try again in a minute."


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
    first, last = months[0], month_of(months[-1]).end
    metrics = sorted({m for c in contracts for m in _contract_metrics(c, as_of)})
    labels = _vendor_labels(contracts)
    strata, note = _strata(contracts, [m for m in metrics if m in ADJUSTABLE], first, last)
    adjusted = {
        m: standardise(m, [VendorMix(labels[c.pk], strata[c.pk][m]) for c in contracts])
        for m in metrics
        if m in ADJUSTABLE and any(strata[c.pk][m] for c in contracts)
    }
    return {
        "client": client,
        "service_line": line,
        "months": f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}",
        "metrics": [
            {"code": m, "label": CATALOG[m].label, "adjusted": m in adjusted} for m in metrics
        ],
        "vendors": [
            _vendor_row(c, labels[c.pk], metrics, months, adjusted, first, last) for c in contracts
        ],
        "sentences": [adjusted[m].sentence for m in metrics if m in adjusted],
        "not_adjusted": [CATALOG[m].label for m in metrics if m not in adjusted],
        "note": note,
    }


def _vendor_labels(contracts: list) -> dict[int, str]:
    """The vendor's name, with the program's when one vendor runs two programs compared."""
    names = [c.vendor.name for c in contracts]
    return {
        c.pk: c.vendor.name
        if names.count(c.vendor.name) == 1
        else f"{c.vendor.name} ({c.program.name})"
        for c in contracts
    }


def _contract_metrics(contract, as_of) -> list[str]:
    terms = terms_for([terms_of(v) for v in versions_of(contract.program)], as_of)
    return [line.metric for line in terms.lines] if terms else []


def _strata(contracts, metrics: list[str], first, last) -> tuple[dict, str]:
    """Per contract and metric, the program's strata (channels) on local days first..last."""
    out = {c.pk: dict.fromkeys(metrics, ()) for c in contracts}
    if not metrics:
        return out, ""
    try:
        with read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
            if con is None:
                return out, "No contacts are imported: the values are not adjusted for mix."
            for c in contracts:
                table = reads.channel_strata(con, c.program.code, first, last)
                rows = table.to_pyarrow().to_pylist()
                out[c.pk] = {m: _metric_strata(rows, m) for m in metrics}
    except WarehouseBusyError:
        return {c.pk: dict.fromkeys(metrics, ()) for c in contracts}, BUSY
    return out, ""


def _metric_strata(rows: list[dict], metric: str) -> tuple[Stratum, ...]:
    n_col, num_col = ADJUSTABLE[metric]
    return tuple(
        Stratum(r["channel"], int(r[n_col] or 0), float(r[num_col] or 0.0))
        for r in rows
        if r[n_col]
    )


def _vendor_row(contract, label, metrics, months, adjusted, first, last) -> dict:
    program = contract.program
    totals = _scorecard_totals(program, metrics, months)
    cells = []
    for metric in metrics:
        if metric in adjusted:
            cells.append(_adjusted_cell(metric, adjusted[metric], label))
            continue
        numerator, n = totals.get(metric, (0.0, 0))
        value = value_from_totals(CATALOG[metric], numerator, n) if n else None
        too_few = n and n < min_sample(metric)
        cells.append(
            {"raw": TOO_FEW if too_few else format_value(metric, value), "adjusted": "", "n": n}
        )
    return {"vendor": label, "program": program, "cells": cells, **qa_rates(program, first, last)}


def _adjusted_cell(metric: str, result: Standardisation, label: str) -> dict:
    value = result.value_of(label)
    if value.raw is None:
        return {"raw": TOO_FEW if value.n else "—", "adjusted": TOO_FEW if value.n else "—"}
    return {
        "raw": format_value(metric, value.raw),
        "adjusted": format_value(metric, value.adjusted, missing="no shared channel"),
        "n": value.n,
    }


def _scorecard_totals(program, metrics, months) -> dict[str, tuple[float, int]]:
    rows = ScorecardSnapshot.objects.filter(
        level="program", entity_code=program.code, period_kind="month",
        period_start__in=months, metric__in=metrics, partial=False,
    ).values_list("metric", "numerator", "n")  # fmt: skip
    totals: dict[str, list] = defaultdict(lambda: [0.0, 0])
    for metric, numerator, n in rows:
        totals[metric][0] += numerator
        totals[metric][1] += n
    return {m: (t[0], t[1]) for m, t in totals.items()}


def qa_rates(program, first: dt.date, last: dt.date) -> dict:
    """The share of evaluations of contacts on days first..last with a dispute raised (one
    disputed on two criteria counts once, so the rate never passes 100%), and the mean overall
    agreement of the calibration sessions revealed then; too few evaluations (the QA minimum
    sample) or no revealed session reads "too few to judge"."""
    evaluations = Evaluation.objects.filter(
        program=program, interaction_day__gte=first, interaction_day__lte=last
    )
    count = evaluations.count()
    disputes = Dispute.objects.filter(evaluation__in=evaluations).count()
    disputed = evaluations.filter(disputes__isnull=False).distinct().count()
    sessions, alphas = calibration_alphas(program, first, last)
    alpha = math.fsum(alphas) / len(alphas) if alphas else None
    return {
        "evaluations": count,
        "disputes": disputes,
        "dispute_rate": (
            TOO_FEW
            if count < min_sample("qa")
            else f"{100.0 * disputed / count:.1f}% ({disputed} of {count} evaluations disputed)"
        ),
        "calibration_sessions": sessions,
        "calibration_alpha": alpha,
        "calibration": (
            TOO_FEW
            if alpha is None
            else f"α {alpha:.2f}, {alpha_verdict(alpha)} ({_sessions(len(alphas))})"
        ),
    }


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"
