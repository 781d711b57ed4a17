"""Governance pages in the permission matrix.

Who may read a program's governance (src/upswing/governance/access.py): the client's viewers
and governance leads, the vendor's account managers and operations managers, on the programs
their grants reach, and admins; everyone else gets the same 404 as for a missing program.
No governance page opens a team or an agent. The exports (JSON, XLSX, PDF) follow the same
door. Changes are POST only (GET: 405 once signed in); their permissions are tested in
tests/governance/test_pages.py: accepting and withdrawing an excuse (the withdrawal page's GET
too) are the client governance lead's and admins'; uploading a contract file is admins' (any
program) and the client governance lead's, for its own client's programs only
(tests/governance/test_contract_upload.py).
"""

from __future__ import annotations

READERS = {
    "P1": {"client_viewer", "manager", "admin"},
    "P2": {"other_client_viewer", "admin"},
    "NOPE": set(),
}


def _signed_in(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 200


def _program(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in READERS[code] else 404


def _post_only(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 405


def _missing(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 404


PROGRAMS = ("P1", "P2", "NOPE")

ROUTES = {
    "governance:index": ([("/governance/", "")], _signed_in),
    "governance:vendors": ([("/governance/vendors/", "")], _signed_in),
    "governance:program": ([(f"/governance/programs/{c}/", c) for c in PROGRAMS], _program),
    "governance:review": ([(f"/governance/programs/{c}/review/", c) for c in PROGRAMS], _program),
    "governance:report": (
        [(f"/governance/programs/{c}/reports/2026-10/", c) for c in PROGRAMS],
        _program,
    ),
    **{
        f"governance:report_{f}": (
            [(f"/governance/programs/{c}/reports/2026-10/{f}/", c) for c in PROGRAMS],
            _program,
        )
        for f in ("json", "xlsx", "pdf")
    },
    "governance:plan": ([("/governance/programs/P1/plans/999999/", "")], _missing),
    "governance:withdraw_excuse": (
        [(f"/governance/programs/{c}/excuses/999999/withdraw/", c) for c in PROGRAMS],
        _missing,
    ),
    **{
        f"governance:{name}": ([(f"/governance/programs/P1/{part}/", "")], _post_only)
        for name, part in (
            ("excuse", "excuses"),
            ("notice", "notices"),
            ("upload", "contract"),
            ("open_plan", "plans"),
        )
    },
}


def _api(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 401
    return 200 if persona in READERS[code] else 404


ROUTES.update(
    {
        "api:governance_breaches": (
            [(f"/api/governance/programs/{c}/breaches", c) for c in PROGRAMS],
            _api,
        ),
        "api:governance_report": (
            [(f"/api/governance/programs/{c}/reports/2026-10", c) for c in PROGRAMS],
            _api,
        ),
        "api:governance_plans": (
            [(f"/api/governance/programs/{c}/plans", c) for c in PROGRAMS],
            _api,
        ),
    }
)
