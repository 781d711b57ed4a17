"""Search and every table export in the permission matrix.

/search/ is open to every signed-in user: what it lists is scoped by org's doors (an outsider
finds nothing). An export (`?export=csv|xlsx`) answers exactly as its page does for each
persona: EXPORTS names the page's route, whose row in the matrix gives the expected status;
`test_export_matrix.py` runs them and checks that no file names anything out of scope.
"""

from __future__ import annotations

WEEK = "2026-W41"


def _signed_in(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


def _program_children(persona: str, code: str) -> int:
    """A program's teams table: people roles and admins only (a client viewer sees no team)."""
    from test_site_permissions import VISIBLE

    if persona == "anonymous":
        return 302
    sees_people = persona not in {"client_viewer", "other_client_viewer", "agent", "peer"}
    return 200 if code in VISIBLE[persona] and sees_people else 404


# Expectations of exports that are not a page's own (looked up before ROUTES).
EXPORT_EXPECTATIONS = {"tables:program_children": _program_children}

ROUTES = {
    "tables:search": (
        [("/search/?q=Alice", ""), ("/search/", ""), ("/search/?q=T1", "")],
        _signed_in,
    ),
}


def _both(route: str, path: str, code: str, table: str = "") -> list[tuple[str, str, str]]:
    sep = "&" if "?" in path else "?"
    suffix = f"&table={table}" if table else ""
    return [(route, f"{path}{sep}export={fmt}{suffix}", code) for fmt in ("csv", "xlsx")]


# (page route, export path, code for the page's expectation)
EXPORTS: list[tuple[str, str, str]] = [
    *_both("coaching:queue", "/coaching/", ""),
    *_both("coaching:queue", "/coaching/?q=a&sort=-agent", ""),
    *_both("coaching:reports", "/coaching/reports/", "", "coaching-progress"),
    *_both("coaching:reports", "/coaching/reports/?esort=-share", "", "coaching-effectiveness"),
    *_both("audit:events", "/audit/", ""),
    *_both("plans:list", "/plans/", ""),
    *_both("plans:list", "/plans/?sort=-stage", ""),
]
for _code in ("P1", "P2", "NOPE"):
    EXPORTS += _both("performance:program", f"/programs/{_code}/?period={WEEK}", _code)
    EXPORTS += _both(
        "tables:program_children",
        f"/programs/{_code}/?period={WEEK}&metric=aht",
        _code,
        f"teams-of-{_code}-aht",
    )
for _code in ("T1", "T2", "T3", "NOPE"):
    EXPORTS += _both("performance:team", f"/teams/{_code}/?period={WEEK}", _code)
    EXPORTS += _both(
        "performance:team",
        f"/teams/{_code}/?period={WEEK}&metric=fcr",
        _code,
        f"agents-of-{_code}-fcr",
    )
for _code in ("A1", "A2", "A3", "A4", "A5", "NOPE"):
    EXPORTS += _both("performance:agent", f"/agents/{_code}/?period={WEEK}", _code)
for _code in ("A1", "A3", "A4", "NOPE"):
    _path = f"/agents/{_code}/evidence/{WEEK}/aht/?sort=-started_at"
    EXPORTS += _both("performance:evidence_agent", _path, _code)
for _code in ("T1", "T2", "T3", "NOPE"):
    EXPORTS += _both("performance:evidence_team", f"/teams/{_code}/evidence/{WEEK}/fcr/", _code)
for _code in ("P1", "P2", "NOPE"):
    EXPORTS += _both(
        "performance:evidence_program", f"/programs/{_code}/evidence/{WEEK}/aht/", _code
    )
EXPORTS += _both("quality:queue", "/quality/queue/?sort=-day", "")
for _code in ("A1", "A3", "A4", "NOPE"):
    EXPORTS += _both("quality:agent", f"/quality/agents/{_code}/", _code)
EXPORTS += _both("quality:disputes", "/quality/disputes/", "")
for _code in ("P1", "P2", "NOPE"):
    EXPORTS += _both("quality:program", f"/quality/programs/{_code}/?sort=-miss_rate", _code)
EXPORTS += _both("plans:reports", "/plans/reports/?ksort=-missed", "", "plan-checkins")
EXPORTS += _both("plans:reports", "/plans/reports/", "", "plan-missed-checkpoints")
for _code in ("P1", "P2"):
    _path = f"/quality/programs/{_code}/leniency/?vsort=-effect"
    EXPORTS += _both("quality:leniency", _path, _code, f"qa-leniency-{_code}")
    EXPORTS += _both("quality:leniency", _path, _code, f"qa-outlier-scored-{_code}")
for _code in ("A1", "A3", "A4", "A5", "NOPE"):
    EXPORTS += _both("coaching:agent_sessions", f"/agents/{_code}/coaching/?sort=-date", _code)
EXPORTS += _both("performance:directory", "/programs/?sort=-program", "")
EXPORTS += _both("plans:inbox", "/plans/inbox/", "")
EXPORTS += _both("plans:inbox", "/plans/inbox/?sort=subject&q=plan", "")
for _code in ("P1", "P2", "NOPE"):
    EXPORTS += _both("performance:targets", f"/programs/{_code}/targets/", _code)
    _path = f"/programs/{_code}/targets/?sort=-since"
    EXPORTS += _both("performance:targets", _path, _code, f"targets-{_code}")
    EXPORTS += _both("quality:calibrations", f"/quality/programs/{_code}/calibrations/", _code)
EXPORTS += _both("imports:index", "/imports/", "")
EXPORTS += _both("imports:index", "/imports/?sort=-size", "")
for _key in ("9401/A1", "9401/A2", "9402/A1", "9403/A4", "9401/A3"):
    _path = f"/feedback/cycles/{_key.replace('/', '/results/')}/"
    EXPORTS += _both("feedback:results", _path, _key)
    EXPORTS += _both("feedback:results", f"{_path}?group=pool&group=direct_report", _key)
