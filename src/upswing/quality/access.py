"""Who may see and do what in the quality loop: the only doors to evaluations, disputes,
calibration sessions, templates and signals.

- agent: their own evaluations (and disputes on them); nothing else here.
- team lead, HR: evaluations of the agents they see (org.access.visible_agents); read only.
- QA analyst: evaluations of the agents they see; scores in programs their grant covers
  (a program or client grant; a team grant covers that team's agents), resolves disputes on
  evaluations they did not score, facilitates and joins calibrations, edits templates.
- operations manager: as the QA analyst, except scoring (they arbitrate and facilitate).
- client viewer: program-level QA of their client's programs, and the calibration sessions
  of those programs (results, and scoring when invited); no agent, no single evaluation.
- admin: everything.

`access_*_by_id` raises the same Http404 for a record that does not exist and one the user
may not see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from upswing.org.access import (
    grants_of,
    own_agent_q,
    reach_of,
    visible_agents,
    visible_programs,
)
from upswing.org.models import Agent, Membership, Program, Role
from upswing.quality.models import (
    CalibrationSession,
    Dispute,
    Evaluation,
    SampleItem,
    ScorecardTemplate,
    SopSignal,
)

QA_STAFF = frozenset({Role.QA_ANALYST, Role.OPERATIONS_MANAGER})
# Labels of runs without a user (the operator's command line, the demo loader).
SYSTEM_ACTORS = frozenset({"cli", "demo"})


def is_system(actor) -> bool:
    return isinstance(actor, str) and actor in SYSTEM_ACTORS


def _covers(user, program: Program, roles: frozenset[str], agent: Agent | None = None) -> bool:
    """A grant of one of `roles` covers the program (or, for a team grant, the agent's team)."""
    if reach_of(user).is_admin:
        return True
    for grant in grants_of(user):
        if grant.role not in roles:
            continue
        if grant.program_id == program.pk or grant.client_id == program.client_id:
            return True
        if grant.team_id and agent is not None:
            on_team = Membership.objects.filter(agent=agent, team_id=grant.team_id)
            if on_team.exists():
                return True
    return False


def _program_q(user, roles: frozenset[str], prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role not in roles:
            continue
        if grant.program_id:
            q |= Q(**{f"{prefix}program_id": grant.program_id})
        elif grant.client_id:
            q |= Q(**{f"{prefix}program__client_id": grant.client_id})
        elif grant.team_id:
            q |= Q(**{f"{prefix}program__teams__id": grant.team_id})
    return q


def is_qa_staff(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or bool(reach.roles & QA_STAFF)


def is_evaluator(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or Role.QA_ANALYST in reach.roles


# --- evaluations -------------------------------------------------------------------------------


def visible_evaluations(user) -> QuerySet[Evaluation]:
    reach = reach_of(user)
    evaluations = Evaluation.objects.select_related("agent", "program", "team", "evaluator")
    if reach.is_admin:
        return evaluations.all()
    own = Q(agent__in=Agent.objects.filter(own_agent_q(user)))
    if not reach.sees_people:
        return evaluations.filter(own)
    return evaluations.filter(own | Q(agent__in=visible_agents(user))).distinct()


def access_evaluation_by_id(user, pk: int) -> Evaluation:
    found = visible_evaluations(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No evaluation with that id.")
    return found


def is_evaluated_agent(user, evaluation: Evaluation) -> bool:
    return evaluation.agent.user_id is not None and evaluation.agent.user_id == user.pk


def may_evaluate(user, program: Program, agent: Agent | None = None) -> bool:
    return _covers(user, program, frozenset({Role.QA_ANALYST}), agent)


def may_arbitrate(user, evaluation: Evaluation) -> bool:
    """QA analysts and operations managers covering the program, never the evaluator."""
    if evaluation.evaluator_id is not None and evaluation.evaluator_id == user.pk:
        return False
    if is_evaluated_agent(user, evaluation):
        return False
    return _covers(user, evaluation.program, QA_STAFF, evaluation.agent)


def require_evaluator(user, program: Program, agent: Agent | None = None) -> None:
    if not may_evaluate(user, program, agent):
        raise PermissionDenied("Only a QA analyst covering this program may score it.")


# --- sample queue ------------------------------------------------------------------------------


def visible_samples(user) -> QuerySet[SampleItem]:
    items = SampleItem.objects.select_related("agent", "program", "team")
    if reach_of(user).is_admin:
        return items.all()
    if Role.QA_ANALYST not in reach_of(user).roles:
        return items.none()
    scoped = items.filter(_program_q(user, frozenset({Role.QA_ANALYST})))
    return scoped.filter(agent__in=visible_agents(user)).distinct()


def access_sample_by_id(user, pk: int) -> SampleItem:
    found = visible_samples(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No sampled interaction with that id.")
    return found


# --- disputes ----------------------------------------------------------------------------------


def visible_disputes(user) -> QuerySet[Dispute]:
    return Dispute.objects.select_related(
        "evaluation__agent", "evaluation__program", "evaluation__evaluator"
    ).filter(evaluation__in=visible_evaluations(user))


def access_dispute_by_id(user, pk: int) -> Dispute:
    found = visible_disputes(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No dispute with that id.")
    return found


# --- programs: templates, calibration, signals -------------------------------------------------


def qa_programs(user) -> QuerySet[Program]:
    """Programs whose QA the user works on (templates, queue, leniency, signals)."""
    if reach_of(user).is_admin:
        return Program.objects.all()
    q = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role in QA_STAFF:
            q |= Q(id=grant.program_id) if grant.program_id else Q(pk__in=[])
            q |= Q(client_id=grant.client_id) if grant.client_id else Q(pk__in=[])
            q |= Q(teams__id=grant.team_id) if grant.team_id else Q(pk__in=[])
    return Program.objects.filter(q).distinct()


def access_qa_program_by_id(user, code: str) -> Program:
    found = qa_programs(user).filter(code=code).first()
    if found is None:
        raise Http404("No program with that code.")
    return found


def access_report_program_by_id(user, code: str) -> Program:
    """Program-level QA numbers: anyone who may read the program's numbers."""
    found = visible_programs(user).filter(code=code).select_related("client").first()
    if found is None:
        raise Http404("No program with that code.")
    return found


def sees_people_in(user, program: Program) -> bool:
    """People roles covering the program see agents' names beside the program's QA."""
    return _covers(user, program, frozenset({Role.QA_ANALYST, Role.OPERATIONS_MANAGER, Role.HR}))


def visible_templates(user) -> QuerySet[ScorecardTemplate]:
    return ScorecardTemplate.objects.filter(program__in=qa_programs(user)).select_related("program")


def access_template_by_id(user, pk: int) -> ScorecardTemplate:
    found = visible_templates(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No scorecard template with that id.")
    return found


def visible_calibrations(user) -> QuerySet[CalibrationSession]:
    sessions = CalibrationSession.objects.select_related("program", "facilitator")
    if reach_of(user).is_admin:
        return sessions.all()
    q = Q(program__in=qa_programs(user)) | Q(participants__user_id=user.pk)
    q |= Q(program__in=visible_programs(user)) & Q(pk__in=_client_sessions(user))
    return sessions.filter(q).distinct()


def _client_sessions(user):
    """Sessions of programs a client viewer reads (results only; no agent is named)."""
    if Role.CLIENT_VIEWER not in reach_of(user).roles:
        return CalibrationSession.objects.none().values("pk")
    return CalibrationSession.objects.filter(program__in=visible_programs(user)).values("pk")


def access_calibration_by_id(user, pk: int) -> CalibrationSession:
    found = visible_calibrations(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No calibration session with that id.")
    return found


def may_facilitate(user, program: Program) -> bool:
    return _covers(user, program, QA_STAFF)


def visible_signals(user) -> QuerySet[SopSignal]:
    """Full signals (with their evidence) for QA staff; client viewers read summaries on the
    program page through `program_signal_summary`."""
    return SopSignal.objects.filter(program__in=qa_programs(user)).select_related("program")


def visible_programs_for_reports(user) -> QuerySet[Program]:
    return visible_programs(user).order_by("name")


def disputes_to_decide(user) -> QuerySet[Dispute]:
    """Open disputes the user may decide (`may_arbitrate` as one query): QA staff covering the
    program (or, for a team grant, the agent's team), never on their own evaluation or score."""
    open_ = visible_disputes(user).filter(outcome="").order_by("pk")
    if not reach_of(user).is_admin:
        q = Q(pk__in=[])
        for grant in grants_of(user):
            if grant.role not in QA_STAFF:
                continue
            if grant.program_id:
                q |= Q(evaluation__program_id=grant.program_id)
            elif grant.client_id:
                q |= Q(evaluation__program__client_id=grant.client_id)
            elif grant.team_id:
                q |= Q(evaluation__agent__memberships__team_id=grant.team_id)
        open_ = open_.filter(q)
    return (
        open_.exclude(evaluation__evaluator_id=user.pk)
        .exclude(evaluation__agent__user_id=user.pk)
        .distinct()
    )
