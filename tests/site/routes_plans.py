"""Plan pages in the permission matrix (records: factories.build_plan_records).

Who may open what (src/upswing/plans/access.py, views.py): an agent sees their own plan only
once HR has approved it (never a draft or a plan in HR review); team leads the plans of their
teams' agents; managers and HR the plans of the programs and clients they cover; admins all.
QA analysts, client viewers and people without a role hold no plan capacity: every plan URL
answers them 404. Actions are POST only (GET: 405 once the user may use plan pages at all).
"""

from __future__ import annotations

P1_DECIDERS = {"manager", "hr", "admin"}
READERS = {  # plan id -> personas who may read it
    "9101": {"lead"} | P1_DECIDERS,  # A1 (agent persona), draft
    "9102": {"lead"} | P1_DECIDERS,  # A1, in HR review
    "9103": {"agent", "lead"} | P1_DECIDERS,  # A1, active (approved and acknowledged)
    "9104": {"other_lead"} | P1_DECIDERS,  # A3 on T2, active
    "9105": {"admin"},  # A4 on T3 (program P2, client C2), active
    "99999": set(),
}
PLAN_USERS = {"agent", "peer", "lead", "other_lead", "manager", "hr", "admin"}
LEAD_SIDE = {"lead", "other_lead", "manager", "admin"}  # edit, record checkpoints, draft
STATES = {
    "9101": "draft",
    "9102": "hr_review",
    "9103": "active",
    "9104": "active",
    "9105": "active",
}


def _gate(persona: str) -> int | None:
    """302 for anonymous users, 404 for anyone without a plan capacity, else None."""
    if persona == "anonymous":
        return 302
    if persona not in PLAN_USERS:
        return 404
    return None


def _readable(persona: str, code: str) -> int:
    return _gate(persona) or (200 if persona in READERS[code] else 404)


def _post_only(persona: str, _code: str) -> int:
    return _gate(persona) or 405


def _plan_user(persona: str, _code: str) -> int:
    return _gate(persona) or 200


def _new(persona: str, agent: str) -> int:
    """Draft a plan: lead side only (403 for the agent and HR); ?agent= must be in sight."""
    from test_site_permissions import VISIBLE

    found = _gate(persona) or (200 if persona in LEAD_SIDE else 403)
    if found == 200 and agent and agent not in VISIBLE[persona]:
        return 404
    return found


def _reports(persona: str, _code: str) -> int:
    return _gate(persona) or (200 if persona in P1_DECIDERS else 404)


def _staff_page(allowed: set[str], *, locked: int = 200):
    """A page for some capacities: 404 if the plan is out of sight, 403 if visible but the
    capacity is missing, else 200 (`locked` where the plan's state refuses the page)."""

    def expected(persona: str, code: str) -> int:
        found = _readable(persona, code)
        if found != 200:
            return found
        if persona not in allowed:
            return 403
        return 200 if STATES.get(code) == "draft" else locked

    return expected


def _edit(persona: str, code: str) -> int:
    return _staff_page(LEAD_SIDE, locked=400)(persona, code)


def _review(persona: str, code: str) -> int:
    found = _readable(persona, code)
    if found != 200:
        return found
    return 200 if persona == "hr" else 403


def _final_review(persona: str, code: str) -> int:
    return _staff_page(LEAD_SIDE | {"hr"})(persona, code)


def _checkpoint(persona: str, code: str) -> int:
    plan, number = code.split("/")
    found = _readable(persona, plan)
    if found != 200:
        return found
    return 200 if STATES.get(plan) == "active" and int(number) <= 2 else 404


def _paths(template: str, codes) -> list[tuple[str, str]]:
    return [(template.format(c), c) for c in codes]


ALL = list(READERS)

ROUTES = {
    "plans:list": ([("/plans/", "")], _plan_user),
    "plans:new": ([("/plans/new/", ""), ("/plans/new/?agent=A1", "A1")], _new),
    "plans:inbox": ([("/plans/inbox/", "")], _plan_user),
    "plans:inbox_read": ([("/plans/inbox/9121/read/", "")], _post_only),
    "plans:reports": ([("/plans/reports/", "")], _reports),
    "plans:detail": (_paths("/plans/{}/", ALL), _readable),
    "plans:edit": (_paths("/plans/{}/edit/", ["9101", "9103", "9104", "99999"]), _edit),
    "plans:lint": (_paths("/plans/{}/lint/", ["9101"]), _post_only),
    "plans:submit": (_paths("/plans/{}/submit/", ["9101"]), _post_only),
    "plans:review": (_paths("/plans/{}/review/", ["9102", "9103", "9105"]), _review),
    "plans:acknowledge": (_paths("/plans/{}/acknowledge/", ["9103"]), _post_only),
    "plans:checkpoint": (
        [(f"/plans/{c}/checkpoints/{n}/", f"{c}/{n}") for c, n in (("9103", 1), ("9103", 2))]
        + [("/plans/9101/checkpoints/1/", "9101/1"), ("/plans/9105/checkpoints/1/", "9105/1")],
        _checkpoint,
    ),
    "plans:final_review": (_paths("/plans/{}/final-review/", ["9103", "9104"]), _final_review),
    "plans:close": (_paths("/plans/{}/close/", ["9103"]), _post_only),
    "plans:extend": (_paths("/plans/{}/extend/", ["9103"]), _post_only),
    "plans:download": (
        [
            ("/plans/9103/packet.pdf", "9103"),
            ("/plans/9101/packet.docx", "9101"),
            ("/plans/9103/packet.ics", "9103"),
            ("/plans/9105/packet.ics", "9105"),
        ],
        _readable,
    ),
}
