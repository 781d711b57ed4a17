"""Drill-down pages in the permission matrix (src/upswing/scorecards/drilldown_views.py).

The evidence behind a number has the number's scope, and never reaches a client viewer:

- an agent's evidence: the agent themselves, and people roles for the weeks the agent's row
  was recorded on a team they see (A5 moved from T1 to T2 on 2026-10-12: the lead sees
  2026-W41, the other lead 2026-W43);
- a team's: people roles who see the team;
- a program's: people roles whose scope covers the whole program (not a team lead) and admins;
- client viewers: 404 everywhere (program-level numbers only); a period without a number, an
  unknown metric or period: 404.

The persona org has no warehouse: pages in scope render with an empty list (200).
"""

from __future__ import annotations

from test_site_permissions import VISIBLE

WEEK = "2026-W41"
A5_WEEKS = {"A5@W41": ("2026-W41", {"lead"}), "A5@W43": ("2026-W43", {"other_lead"})}
WHOLE_PROGRAM = {"P1": {"qa", "manager", "hr", "admin"}, "P2": {"admin"}}


def _signed_in(allowed):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 302
        return 200 if allowed(persona, code) else 404

    return expected


def _agent(persona: str, code: str) -> bool:
    if code in A5_WEEKS:
        return persona in A5_WEEKS[code][1] | {"qa", "manager", "hr", "admin"}
    if code.endswith("@none"):  # no scorecard row in that week
        return False
    if persona.endswith("client_viewer"):
        return False
    return code in VISIBLE[persona]


def _team(persona: str, code: str) -> bool:
    return not persona.endswith("client_viewer") and code in VISIBLE[persona]


def _program(persona: str, code: str) -> bool:
    return persona in WHOLE_PROGRAM.get(code, set())


def _agent_path(code: str, kind: str) -> str:
    agent, _, tag = code.partition("@")
    week = A5_WEEKS[code][0] if code in A5_WEEKS else ("2025-W01" if tag == "none" else WEEK)
    if kind == "evidence":
        return f"/agents/{agent}/evidence/{week}/aht/"
    return f"/agents/{agent}/evaluations/{week}/"


AGENT_CODES = ("A1", "A2", "A3", "A4", "A5@W41", "A5@W43", "A1@none", "NOPE")

ROUTES = {
    "performance:evidence_agent": (
        [(_agent_path(c, "evidence"), c) for c in AGENT_CODES]
        + [
            ("/agents/A1/evidence/2026-W41/nope/", "NOPE"),
            ("/agents/A1/evidence/W41/aht/", "NOPE"),
        ],
        _signed_in(_agent),
    ),
    "performance:agent_evaluations": (
        [(_agent_path(c, "evaluations"), c) for c in AGENT_CODES],
        _signed_in(_agent),
    ),
    "performance:evidence_team": (
        [(f"/teams/{c}/evidence/{WEEK}/fcr/", c) for c in ("T1", "T2", "T3", "NOPE")],
        _signed_in(_team),
    ),
    "performance:evidence_program": (
        [(f"/programs/{c}/evidence/{WEEK}/aht/", c) for c in ("P1", "P2", "NOPE")],
        _signed_in(_program),
    ),
}
