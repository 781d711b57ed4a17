"""Coaching and finding pages in the permission matrix (records: factories.build_coaching_records).

Who may open what (src/upswing/findings/access.py, src/upswing/coaching/access.py):
findings, the coaching queue and systemic issues are for the people roles in scope (lead, QA,
manager, HR) and admins; never for agents (not even their own findings) or client viewers.
Sessions: the coached agent, and the people roles in scope on the session day or today.
Recording a session: team leads and managers whose own grant covers the agent's team today,
and admins; QA and HR see the agent but may not (403).
"""

from __future__ import annotations

PEOPLE = {"lead", "other_lead", "qa", "manager", "hr", "admin"}
P1_READERS = {"qa", "manager", "hr", "admin"}

FINDING_READERS = {
    "9101": {"lead"} | P1_READERS,  # A1 on T1
    "9102": {"other_lead"} | P1_READERS,  # A3 on T2
    "9103": {"admin"},  # A4 on T3 (P2)
    "9107": {"lead"} | P1_READERS,  # A5, recorded while on T1; A5 is on T2 now
    "99999": set(),
}
SESSION_READERS = {
    "9201": {"agent", "lead"} | P1_READERS,  # A1
    "9202": {"other_lead"} | P1_READERS,  # A3
    "9203": {"admin"},  # A4
    "9204": {"lead", "other_lead"} | P1_READERS,  # A5: on T1 that day, on T2 today
    "99999": set(),
}
# Who coaches each agent today (team lead / manager grant on their current team; admin).
COACHES = {
    "A1": {"lead", "manager", "admin"},
    "A3": {"other_lead", "manager", "admin"},
    "A4": {"admin"},
    "A5": {"other_lead", "manager", "admin"},
}
FINDING_AGENT = {"9101": "A1", "9102": "A3", "9103": "A4", "9107": "A5"}


def _signed_in(allowed):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 302
        return 200 if persona in allowed(code) else 404

    return expected


def _visible_agent(persona: str, code: str) -> bool:
    from test_site_permissions import VISIBLE

    return code in VISIBLE[persona]


def _agent_sessions(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    return 200 if _visible_agent(persona, code) else 404


def _record_for_agent(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    if persona in COACHES.get(code, set()):
        return 200
    # Seeing the agent as a people role without coaching them: forbidden; else not found.
    return 403 if persona in PEOPLE and _visible_agent(persona, code) else 404


def _record_for_finding(persona: str, code: str) -> int:
    if persona == "anonymous":
        return 302
    if persona not in FINDING_READERS[code]:
        return 404
    return 200 if persona in COACHES[FINDING_AGENT[code]] else 403


def _post_only(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 405


ROUTES = {
    "coaching:queue": ([("/coaching/", "")], _signed_in(lambda _c: PEOPLE)),
    "coaching:reports": ([("/coaching/reports/", "")], _signed_in(lambda _c: PEOPLE)),
    "performance:systemic": ([("/systemic/", "")], _signed_in(lambda _c: PEOPLE)),
    "performance:finding": (
        [(f"/findings/{pk}/", pk) for pk in FINDING_READERS],
        _signed_in(FINDING_READERS.__getitem__),
    ),
    "coaching:session": (
        [(f"/coaching/sessions/{pk}/", pk) for pk in SESSION_READERS],
        _signed_in(SESSION_READERS.__getitem__),
    ),
    "coaching:acknowledge": ([("/coaching/sessions/9201/acknowledge/", "9201")], _post_only),
    "coaching:action_done": ([("/coaching/actions/9301/done/", "9301")], _post_only),
    "coaching:agent_sessions": (
        [(f"/agents/{c}/coaching/", c) for c in ("A1", "A3", "A4", "A5", "NOPE")],
        _agent_sessions,
    ),
    "coaching:record_for_agent": (
        [(f"/agents/{c}/coaching/new/", c) for c in ("A1", "A3", "A4", "A5")],
        _record_for_agent,
    ),
    "coaching:record_for_finding": (
        [(f"/findings/{pk}/coaching/new/", pk) for pk in FINDING_AGENT],
        _record_for_finding,
    ),
}
