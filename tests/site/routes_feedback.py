"""Feedback pages in the permission matrix (records: tests/feedback/records.py).

Who may open what (src/upswing/feedback/access.py): cycles are read by the team leads, managers
and HR whose grants cover the cycle's team, by admins, and by each subject; QA analysts and
client viewers see none. Results open once a cycle is closed, to the subject and those staff.
A request to answer opens only for its rater while the cycle is open. The agent's feedback tab
opens wherever the agent does. Actions are POST only.
"""

from __future__ import annotations

SIGNED_IN = {
    "agent", "peer", "lead", "other_lead", "qa", "manager", "hr", "client_viewer",
    "other_client_viewer", "admin", "outsider",
}  # fmt: skip
T1_STAFF = {"lead", "manager", "hr", "admin"}
CYCLE_READERS = {
    "9401": T1_STAFF | {"agent", "peer"},  # A1 and A2 are its subjects
    "9402": T1_STAFF | {"agent"},
    "9403": {"admin"},
    "99999": set(),
}
RESULT_READERS = {
    "9401/A1": T1_STAFF | {"agent"},
    "9401/A2": T1_STAFF | {"peer"},
    "9402/A1": set(),  # open: no results for anyone yet
    "9403/A4": {"admin"},
    "9401/A3": set(),  # not a subject
}
# Who runs a cycle on a team (lead of T1, the P1 manager, admins).
STARTERS = {"lead", "other_lead", "manager", "admin"}


def _signed_in(allowed):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 302
        return 200 if persona in allowed(code) else 404

    return expected


def _visible_agent(persona: str, code: str) -> int:
    from test_site_permissions import VISIBLE

    if persona == "anonymous":
        return 302
    return 200 if code in VISIBLE[persona] else 404


def _post_only(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 405


def _api(allowed):
    """API calls: 401 without credentials, never a redirect; 404 out of scope."""

    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 401
        return 200 if persona in allowed(code) else 404

    return expected


NOTE_READERS = {"A1": {"agent", "lead"}, "A2": {"peer", "lead"}, "A4": set(), "NOPE": set()}


ROUTES = {
    "feedback:index": ([("/feedback/", "")], _signed_in(lambda _c: SIGNED_IN)),
    "feedback:give": ([("/feedback/give/", "")], _signed_in(lambda _c: SIGNED_IN)),
    "feedback:new_cycle": ([("/feedback/cycles/new/", "")], _signed_in(lambda _c: STARTERS)),
    "feedback:cycle": (
        [(f"/feedback/cycles/{pk}/", pk) for pk in CYCLE_READERS],
        _signed_in(CYCLE_READERS.__getitem__),
    ),
    "feedback:nominate": ([("/feedback/cycles/9402/nominate/", "9402")], _post_only),
    "feedback:change_state": ([("/feedback/cycles/9402/state/", "9402")], _post_only),
    "feedback:decide": ([("/feedback/nominations/9422/decide/", "9422")], _post_only),
    "feedback:answer": (
        [("/feedback/requests/9421/", "9421"), ("/feedback/requests/99999/", "99999")],
        _signed_in(lambda code: {"peer"} if code == "9421" else set()),
    ),
    "feedback:results": (
        [(f"/feedback/cycles/{key.replace('/', '/results/')}/", key) for key in RESULT_READERS],
        _signed_in(RESULT_READERS.__getitem__),
    ),
    "feedback:results_csv": (
        [(f"/feedback/cycles/{key.replace('/', '/results/')}/csv/", key) for key in RESULT_READERS],
        _signed_in(RESULT_READERS.__getitem__),
    ),
    "feedback:results_pdf": (
        [(f"/feedback/cycles/{key.replace('/', '/results/')}/pdf/", key) for key in RESULT_READERS],
        _signed_in(RESULT_READERS.__getitem__),
    ),
    "feedback:agent": (
        [(f"/agents/{c}/feedback/", c) for c in ("A1", "A2", "A3", "A4", "A5", "NOPE")],
        _visible_agent,
    ),
    "api:feedback_cycles": ([("/api/feedback/cycles", "")], _api(lambda _c: SIGNED_IN)),
    "api:feedback_cycle": (
        [(f"/api/feedback/cycles/{pk}", pk) for pk in CYCLE_READERS],
        _api(CYCLE_READERS.__getitem__),
    ),
    "api:feedback_results": (
        [(f"/api/feedback/cycles/{key.replace('/', '/results/')}", key) for key in RESULT_READERS],
        _api(RESULT_READERS.__getitem__),
    ),
    "api:feedback_requests": ([("/api/feedback/requests", "")], _api(lambda _c: SIGNED_IN)),
    # POST only: GET is 405 for everyone (the POST is covered in tests/feedback/test_api.py).
    "api:feedback_answers": (
        [("/api/feedback/requests/9421/answers", "9421")],
        lambda _persona, _c: 405,
    ),
    "api:feedback_notes": (
        [(f"/api/feedback/agents/{c}/notes", c) for c in NOTE_READERS],
        _api(NOTE_READERS.__getitem__),
    ),
}
