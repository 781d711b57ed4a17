"""Quality pages in the permission matrix (records: tests/quality_records.py).

Who may open what (src/upswing/quality/access.py): the queue and scoring for QA analysts (and
admins) of the program; an evaluation for the evaluated agent and the people roles who see
the agent; disputes desk, templates for QA analysts and operations managers; a program's QA
and calibration list for anyone who reads the program's numbers (client viewers included);
a calibration session for the program's QA staff, its invited evaluators and the client's
viewers. Actions are POST only (GET: 405 once signed in).
"""

from __future__ import annotations

SIGNED_IN = {
    "agent", "peer", "lead", "other_lead", "qa", "manager", "hr",
    "client_viewer", "other_client_viewer", "admin", "outsider",
}  # fmt: skip
EVALUATION_READERS = {
    "9501": {"agent", "lead", "qa", "manager", "hr", "admin"},  # A1 on T1
    "9502": {"other_lead", "qa", "manager", "hr", "admin"},  # A3 on T2
    "9503": {"admin"},  # A4 on P2
    "99999": set(),
}
SAMPLE_SCORERS = {"9601": {"qa", "admin"}, "9602": {"admin"}, "99999": set()}
QA_STAFF_P = {"P1": {"qa", "manager", "admin"}, "P2": {"admin"}, "NOPE": set()}
PEOPLE_P = {"P1": {"qa", "manager", "hr", "admin"}, "P2": {"admin"}, "NOPE": set()}
TEMPLATE_READERS = {"9401": {"qa", "manager", "admin"}, "9402": {"admin"}, "99999": set()}
CALIBRATION_READERS = {
    "9801": {"qa", "manager", "client_viewer", "admin"},
    "9802": {"admin", "other_client_viewer"},
    "99999": set(),
}


def _signed_in(allowed):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 302
        return 200 if persona in allowed(code) else 404

    return expected


def _visible(persona: str, code: str) -> int:
    from test_site_permissions import VISIBLE

    if persona == "anonymous":
        return 302
    return 200 if code in VISIBLE[persona] else 404


def _post_only(persona: str, _code: str) -> int:
    return 302 if persona == "anonymous" else 405


def _api(allowed):
    def expected(persona: str, code: str) -> int:
        if persona == "anonymous":
            return 401
        return 200 if persona in allowed(code) else 404

    return expected


def _api_post_only(_persona: str, _code: str) -> int:
    return 405


ROUTES = {
    "quality:home": ([("/quality/", "")], _signed_in(lambda _c: SIGNED_IN)),
    "quality:queue": ([("/quality/queue/", "")], _signed_in(lambda _c: {"qa", "admin"})),
    "quality:score": (
        [(f"/quality/queue/{pk}/", pk) for pk in SAMPLE_SCORERS],
        _signed_in(SAMPLE_SCORERS.__getitem__),
    ),
    "quality:evaluation": (
        [(f"/quality/evaluations/{pk}/", pk) for pk in EVALUATION_READERS],
        _signed_in(EVALUATION_READERS.__getitem__),
    ),
    "quality:acknowledge": ([("/quality/evaluations/9501/acknowledge/", "9501")], _post_only),
    "quality:dispute": ([("/quality/evaluations/9501/dispute/", "9501")], _post_only),
    "quality:disputes": (
        [("/quality/disputes/", "")],
        _signed_in(lambda _c: {"qa", "manager", "admin"}),
    ),
    "quality:decide": ([("/quality/disputes/9701/decide/", "9701")], _post_only),
    "quality:agent": (
        [(f"/quality/agents/{c}/", c) for c in ("A1", "A2", "A3", "A4", "A5", "NOPE")],
        _visible,
    ),
    "quality:program": ([(f"/quality/programs/{c}/", c) for c in ("P1", "P2", "NOPE")], _visible),
    "quality:leniency": (
        [(f"/quality/programs/{c}/leniency/", c) for c in PEOPLE_P],
        _signed_in(PEOPLE_P.__getitem__),
    ),
    "quality:draw": ([("/quality/programs/P1/draw/", "P1")], _post_only),
    "quality:check_signals": ([("/quality/programs/P1/signals/check/", "P1")], _post_only),
    "quality:templates": (
        [(f"/quality/programs/{c}/templates/", c) for c in QA_STAFF_P],
        _signed_in(QA_STAFF_P.__getitem__),
    ),
    "quality:template": (
        [(f"/quality/templates/{pk}/", pk) for pk in TEMPLATE_READERS],
        _signed_in(TEMPLATE_READERS.__getitem__),
    ),
    "quality:calibrations": (
        [(f"/quality/programs/{c}/calibrations/", c) for c in ("P1", "P2", "NOPE")],
        _visible,
    ),
    "quality:calibration": (
        [(f"/quality/calibrations/{pk}/", pk) for pk in CALIBRATION_READERS],
        _signed_in(CALIBRATION_READERS.__getitem__),
    ),
    "quality:calibration_submit": ([("/quality/calibrations/9801/submit/", "9801")], _post_only),
    "quality:calibration_reveal": ([("/quality/calibrations/9801/reveal/", "9801")], _post_only),
    "quality:calibration_reference": (
        [("/quality/calibrations/9801/reference/", "9801")],
        _post_only,
    ),
    "api:quality_evaluations": (
        [("/api/quality/evaluations", "")],
        _api(lambda _c: SIGNED_IN),
    ),
    "api:quality_evaluation": (
        [(f"/api/quality/evaluations/{pk}", pk) for pk in EVALUATION_READERS],
        _api(EVALUATION_READERS.__getitem__),
    ),
    "api:quality_dispute_create": (
        [("/api/quality/evaluations/9501/disputes", "9501")],
        _api_post_only,
    ),
    "api:quality_disputes": ([("/api/quality/disputes", "")], _api(lambda _c: SIGNED_IN)),
    "api:quality_dispute_decide": (
        [("/api/quality/disputes/9701/decision", "9701")],
        _api_post_only,
    ),
    "api:quality_calibrations": (
        [("/api/quality/calibrations", "")],
        _api(lambda _c: SIGNED_IN),
    ),
    "api:quality_calibration": (
        [(f"/api/quality/calibrations/{pk}", pk) for pk in CALIBRATION_READERS],
        _api(CALIBRATION_READERS.__getitem__),
    ),
}
