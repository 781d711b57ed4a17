"""Demo sign-ins: one user per role on the demo organisation, with fresh random passwords.

The agent user is linked to an agent of a planted individual case (one the rules should
take to a plan when there is one), the team lead leads that agent's team, and the QA
analyst, operations manager, HR partner and client viewer hold grants on that agent's
program or client. Re-running `upswing demo` keeps the users and gives them new passwords.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from upswing.org.grants import do_grant_role, do_revoke_role
from upswing.org.models import Agent, Membership, Role, RoleGrant

ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    role: str  # the role's label, e.g. "Team lead"
    username: str
    password: str


def planted_agent_code(manifest: dict) -> str:
    """An agent of a planted individual case, preferring one the rules take to a plan."""
    individual = [
        c for c in manifest.get("cases", [])
        if c.get("expected_cause") == "individual" and len(c.get("agent_ids", [])) == 1
    ]  # fmt: skip
    if not individual:
        raise ValueError("the demo manifest has no individual case to sign in as")
    individual.sort(key=lambda c: c.get("expected_recommendation") != "pip")
    return individual[0]["agent_ids"][0]


def create_demo_users(manifest_path: Path) -> list[DemoSignIn]:
    manifest = json.loads(Path(manifest_path).read_text("utf-8"))
    agent = Agent.objects.get(code=planted_agent_code(manifest))
    membership = (
        Membership.objects.filter(agent=agent)
        .select_related("team__program__client")
        .order_by(F("end_date").asc(nulls_first=True), "-start_date")  # open one first
        .first()
    )
    team = membership.team
    program = team.program
    plan = [
        ("demo-agent", Role.AGENT, {"team": team}, agent.name),
        ("demo-lead", Role.TEAM_LEAD, {"team": team}, "Demo team lead"),
        ("demo-qa", Role.QA_ANALYST, {"program": program}, "Demo QA analyst"),
        ("demo-manager", Role.OPERATIONS_MANAGER, {"program": program}, "Demo operations manager"),
        ("demo-hr", Role.HR, {"client": program.client}, "Demo HR partner"),
        ("demo-client", Role.CLIENT_VIEWER, {"client": program.client}, "Demo client viewer"),
        (
            "demo-governance",
            Role.CLIENT_GOVERNANCE_LEAD,
            {"client": program.client},
            "Demo client governance lead",
        ),
        (
            "demo-vendor",
            Role.VENDOR_ACCOUNT_MANAGER,
            {"program": program},
            "Demo vendor account manager",
        ),
        ("demo-admin", Role.ADMIN, {}, "Demo administrator"),
    ]
    out = []
    with transaction.atomic():
        for username, role, scope, full_name in plan:
            user, password = _user(username, full_name)
            _only_grant(user, role, scope)
            out.append(DemoSignIn(Role(role).label, username, password))
        _link_agent(agent, get_user_model().objects.get(username="demo-agent"))
    return out


def _user(username: str, full_name: str):
    users = get_user_model()
    user = users.objects.filter(username=username).first() or users(username=username)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    user.email = f"{username}@demo.invalid"
    user.is_active = True
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    return user, password


def _only_grant(user, role: str, scope: dict) -> None:
    wanted = {"client": None, "program": None, "team": None, **scope}
    grants = list(RoleGrant.objects.filter(user=user))
    keep = [
        g for g in grants
        if g.role == role and all(getattr(g, f"{k}_id") == (v.pk if v else None)
                                  for k, v in wanted.items())
    ]  # fmt: skip
    for grant in grants:
        if grant not in keep:
            do_revoke_role(grant, actor=ACTOR)
    if not keep:
        do_grant_role(user, role, actor=ACTOR, **scope)


def _link_agent(agent: Agent, user) -> None:
    Agent.objects.filter(user=user).exclude(pk=agent.pk).update(user=None)
    if agent.user_id != user.pk:
        agent.user = user
        agent.save(update_fields=["user"])


def print_demo_sign_ins(sign_ins: list[DemoSignIn], echo) -> None:
    echo("")
    echo("Demo sign-ins (new passwords on every `upswing demo`):")
    for s in sign_ins:
        echo(f"  {s.role}: {s.username} / {s.password}")


def set_up_demo_sign_ins(manifest_path: Path, echo) -> list[DemoSignIn]:
    """Create or refresh the demo users and print one line per role."""
    sign_ins = create_demo_users(manifest_path)
    print_demo_sign_ins(sign_ins, echo)
    return sign_ins
