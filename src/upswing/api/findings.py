"""Diagnosis findings, scoped by `upswing.performance.findings_access.visible_findings`."""

import datetime as dt

from ninja import Router
from ninja.pagination import paginate

from upswing.api.pagination import Page
from upswing.api.schemas import ErrorOut, FindingOut
from upswing.performance.findings_access import visible_findings

router = Router(tags=["findings"])


class _Findings:
    def __init__(self, findings) -> None:
        self.findings = findings

    def all(self):
        return self.findings

    def __getitem__(self, page: slice) -> list[dict]:
        return [
            {
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
            }
            for f in self.findings[page]
        ]


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
):
    """Findings on agents of teams you may see (none for agents and client viewers), newest
    day first; `as_of` keeps one day's diagnosis."""
    findings = visible_findings(request.auth)
    for field, value in (("agent_code", agent), ("team_code", team), ("program_code", program)):
        if value:
            findings = findings.filter(**{field: value})
    if as_of:
        findings = findings.filter(as_of=as_of)
    return _Findings(findings.order_by("-as_of", "program_code", "agent_code", "metric", "id"))
