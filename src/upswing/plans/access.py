"""Who may see and act on which plans: the only doors to plan records.

- agent: their own plans, and only once HR has approved one (never a draft);
- team lead: plans of agents on the teams they lead;
- operations manager and HR: plans in the programs (or clients) their grants cover;
- admin: all plans; QA analysts and client viewers: none.

`access_plan_by_id` raises the same Http404 for a plan that does not exist and for one the user
may not see. `plan_roles` says in which capacities the user may act on a visible plan; each
action checks the capacity it needs.
"""

from __future__ import annotations

import enum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from upswing.org.access import grants_of, own_agent_q, reach_of
from upswing.org.models import Agent, Membership, Role
from upswing.plans.models import Plan, PlanState, VersionStatus


class PlanRole(enum.StrEnum):
    AGENT = "agent"
    LEAD = "team_lead"
    MANAGER = "operations_manager"
    HR = "hr"
    ADMIN = "admin"


STAFF_ROLES = frozenset({PlanRole.LEAD, PlanRole.MANAGER, PlanRole.HR, PlanRole.ADMIN})
LEAD_SIDE = frozenset({PlanRole.LEAD, PlanRole.MANAGER, PlanRole.ADMIN})  # write and run a plan
DECIDERS = frozenset({PlanRole.HR, PlanRole.MANAGER})  # review, extend and close it


def _scope_q(user, roles: set[str], prefix: str = "") -> Q:
    """Plans inside the scope of the user's grants of these roles (team, program or client)."""
    q = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role not in roles:
            continue
        if grant.team_id:
            q |= Q(**{f"{prefix}team_id": grant.team_id})
        elif grant.program_id:
            q |= Q(**{f"{prefix}program_id": grant.program_id})
        elif grant.client_id:
            q |= Q(**{f"{prefix}program__client_id": grant.client_id})
    return q


def _lead_q(user) -> Q:
    """Plans of agents currently on a team the user leads, and plans drafted on those teams."""
    teams = [g.team_id for g in grants_of(user) if g.role == Role.TEAM_LEAD and g.team_id]
    q = _scope_q(user, {Role.TEAM_LEAD})
    if teams:
        members = Membership.objects.filter(team_id__in=teams, end_date__isnull=True)
        q |= Q(agent_id__in=members.values("agent_id"))
    return q


def _agent_q(user) -> Q:
    return Q(agent__in=_own_agents(user), shared_at__isnull=False)


def _own_agents(user):
    from upswing.org.models import Agent

    return Agent.objects.filter(own_agent_q(user))


def visible_plans(user) -> QuerySet[Plan]:
    reach = reach_of(user)
    plans = Plan.objects.select_related("agent", "team", "program")
    if reach.is_admin:
        return plans.all()
    q = _agent_q(user) | _lead_q(user) | _scope_q(user, {Role.OPERATIONS_MANAGER, Role.HR})
    return plans.filter(q).distinct()


def plan_roles(user, plan: Plan) -> frozenset[PlanRole]:
    """The capacities in which `user` may act on `plan` (empty: none)."""
    reach = reach_of(user)
    roles: set[PlanRole] = set()
    if reach.is_admin:
        roles.add(PlanRole.ADMIN)
    if plan.agent.user_id is not None and plan.agent.user_id == getattr(user, "pk", None):
        roles.add(PlanRole.AGENT)
    scoped = Plan.objects.filter(pk=plan.pk)
    if reach.roles & {Role.TEAM_LEAD} and scoped.filter(_lead_q(user)).exists():
        roles.add(PlanRole.LEAD)
    for role, capacity in ((Role.OPERATIONS_MANAGER, PlanRole.MANAGER), (Role.HR, PlanRole.HR)):
        if role in reach.roles and scoped.filter(_scope_q(user, {role})).exists():
            roles.add(capacity)
    return frozenset(roles)


def access_plan_by_id(user, plan_id: int, *, for_write: bool = False) -> Plan:
    """The plan if the user may see it (Http404 otherwise, whether it exists or not).

    for_write: the user must also hold a staff capacity on it (lead, manager, HR, admin);
    an agent's own writes (acknowledge, reflect) go through the actions, which check them.
    """
    plan = visible_plans(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No plan with that id.")
    if for_write and not plan_roles(user, plan) & STAFF_ROLES:
        raise PermissionDenied("You may read this plan but not change it.")
    return plan


def require_role(user, plan: Plan, allowed: set[PlanRole], action: str) -> PlanRole:
    """The capacity the user acts in; PermissionDenied (or Http404 when invisible) otherwise."""
    if not visible_plans(user).filter(pk=plan.pk).exists():
        raise Http404("No plan with that id.")
    held = plan_roles(user, plan) & allowed
    if not held:
        names = ", ".join(sorted(r.value.replace("_", " ") for r in allowed))
        raise PermissionDenied(f"Only {names} may {action} this plan.")
    order = (PlanRole.HR, PlanRole.MANAGER, PlanRole.LEAD, PlanRole.AGENT, PlanRole.ADMIN)
    return next(r for r in order if r in held)


# --- who may open plan pages at all ---------------------------------------------------------

_PLAN_STAFF = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER, Role.HR})
_REPORT_READERS = frozenset({Role.OPERATIONS_MANAGER, Role.HR})
_DRAFTERS = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER})


def works_on_plans(user) -> bool:
    """Leads, managers, HR and admins: the plans list and inbox (no query: grants are read)."""
    reach = reach_of(user)
    return reach.is_admin or bool(reach.roles & _PLAN_STAFF)


def uses_plans(user) -> bool:
    """Agents (their own plan), leads, managers, HR and admins; never QA or client viewers."""
    return works_on_plans(user) or Agent.objects.filter(own_agent_q(user)).exists()


def sees_plan_reports(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or bool(reach.roles & _REPORT_READERS)


def may_draft(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or bool(reach.roles & _DRAFTERS)


def has_shared_plan(agent) -> bool:
    """An agent sees plan pages once HR has approved (shared) a plan of theirs; never a draft."""
    return Plan.objects.filter(agent=agent, shared_at__isnull=False).exists()


def drafting_role(user, place) -> PlanRole:
    """The capacity in which `user` may draft a plan for the agent placed at `place` (their
    team lead or operations manager, or an admin); PermissionDenied otherwise."""
    reach = reach_of(user)
    if reach.is_admin:
        return PlanRole.ADMIN
    for grant in reach.grants:
        covers = (
            grant.team_id == place.team.pk
            or grant.program_id == place.program.pk
            or grant.client_id == place.program.client_id
        )
        if covers and grant.role == Role.TEAM_LEAD:
            return PlanRole.LEAD
        if covers and grant.role == Role.OPERATIONS_MANAGER:
            return PlanRole.MANAGER
    raise PermissionDenied("Only the agent's team lead or operations manager may draft a plan.")


def plan_abilities(plan: Plan, roles, pending) -> dict[str, bool]:
    """What the plan page offers to a user acting in `roles` (each action checks again)."""
    status = pending.status if pending else None
    editable = status in (VersionStatus.DRAFT, VersionStatus.RETURNED)
    running = plan.state in (PlanState.ACTIVE, PlanState.FINAL_REVIEW)
    return {
        "edit": bool(roles & LEAD_SIDE) and editable,
        "review": PlanRole.HR in roles and status == VersionStatus.IN_REVIEW,
        "acknowledge": PlanRole.AGENT in roles and status == VersionStatus.APPROVED,
        "checkpoints": bool(roles & LEAD_SIDE) and running,
        "final_review": bool(roles & (LEAD_SIDE | DECIDERS)) and running,
    }
