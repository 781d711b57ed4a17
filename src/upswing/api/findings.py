"""Diagnosis findings, scoped by `upswing.findings.access` (the finding page's doors)."""

import datetime as dt

from django.db.models import Q
from ninja import Path, Router
from ninja.pagination import paginate

from upswing.api.schemas import ErrorOut, FindingDetailOut, FindingOut, MetricCode
from upswing.api_shared import Page
from upswing.coaching.access import visible_sessions
from upswing.findings.access import access_finding_by_id, visible_findings
from upswing.findings.rules import Cause, Recommendation

router = Router(tags=["findings"])

MAX_ID = 2**31 - 1
EVIDENCE_KINDS = ("periods", "snapshots", "interactions", "evaluations", "events")


def _finding(f) -> dict:
    return {
        "id": f.pk,
        "as_of": f.as_of,
        "rules_version": f.rules_version,
        "program": f.program_code,
        "team": f.team_code,
        "agent": f.agent_code,
        "metric": f.metric,
        "kind": f.kind,
        "cause": f.cause,
        "recommendation": f.recommendation,
        "period_kind": f.period_kind,
        "periods": [str(p) for p in f.periods],
        "reasons": [str(r) for r in f.reasons],
        "facts": f.facts or {},
    }


class _Findings:
    def __init__(self, findings) -> None:
        self.findings = findings

    def all(self):
        return self.findings

    def __getitem__(self, page: slice) -> list[dict]:
        return [_finding(f) for f in self.findings[page]]


@router.get(
    "/findings",
    response={200: list[FindingOut], 401: ErrorOut, 422: ErrorOut},
    url_name="findings",
)
@paginate(Page)
def list_findings(
    request,
    agent: str | None = None,
    team: str | None = None,
    program: str | None = None,
    as_of: dt.date | None = None,
    metric: MetricCode | None = None,
    cause: Cause | None = None,
    recommendation: Recommendation | None = None,
):
    """Findings on agents of teams you may see (none for agents and client viewers), newest
    day first; `as_of` keeps one day's diagnosis."""
    findings = visible_findings(request.auth)
    for field, value in (("agent_code", agent), ("team_code", team), ("program_code", program)):
        if value:
            findings = findings.filter(**{field: value})
    if as_of:
        findings = findings.filter(as_of=as_of)
    for field, choice in (("metric", metric), ("cause", cause), ("recommendation", recommendation)):
        if choice:
            findings = findings.filter(**{field: choice.value})
    return _Findings(findings.order_by("-as_of", "program_code", "agent_code", "metric", "id"))


@router.get(
    "/findings/{finding_id}",
    response={200: FindingDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    url_name="finding",
)
def get_finding(request, finding_id: int = Path(..., ge=1, le=MAX_ID)):
    """One finding with the ids of its evidence and the coaching on it that you may see
    (sessions recorded in response to it, and those the rules read)."""
    finding = access_finding_by_id(request.auth, finding_id)
    evidence = finding.evidence or {}
    read = [int(v) for v in evidence.get("coaching_sessions", []) if str(v).isdigit()]
    sessions = visible_sessions(request.auth).filter(Q(pk__in=read) | Q(finding_id=finding.pk))
    return {
        **_finding(finding),
        "behaviours": [str(b) for b in finding.behaviours or []],
        "evidence": {k: [str(v) for v in evidence.get(k, [])] for k in EVIDENCE_KINDS},
        "coaching_sessions": sorted(set(sessions.values_list("pk", flat=True))),
    }
