"""Targets: the bounds rule, the versioning action, the status refresh and the page."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from factories import build_persona_org
from upswing.audit.models import AuditEvent
from upswing.findings.rules import status_for
from upswing.metrics import CATALOG, Better
from upswing.performance.models import Level, ScorecardSnapshot, Target
from upswing.targets.actions import do_set_target
from upswing.targets.rules import check_target_bounds
from upswing.targets.statuses import refresh_statuses

LONG_AGO = dt.date(2026, 1, 1)

# --- the pure rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("better", "floor", "target", "field"),
    [
        (Better.HIGHER, 85.0, 80.0, "sla_floor"),  # a floor above the goal
        (Better.LOWER, 300.0, 360.0, "sla_floor"),  # AHT: a floor below the goal
        (Better.HIGHER, None, None, ""),
        (Better.NEITHER, 1.0, 2.0, ""),
        (Better.HIGHER, math.nan, 80.0, "sla_floor"),
        (Better.LOWER, 400.0, math.inf, "kpi_target"),
    ],
)
def test_it_refuses_bounds_that_make_no_sense(better, floor, target, field):
    problems = check_target_bounds(better, floor, target)
    assert [p.field for p in problems] == [field]


@pytest.mark.parametrize(
    ("better", "floor", "target"),
    [
        (Better.HIGHER, 70.0, 80.0),
        (Better.HIGHER, 80.0, 80.0),
        (Better.LOWER, 600.0, 420.0),
        (Better.HIGHER, None, 80.0),
        (Better.LOWER, 600.0, None),
    ],
)
def test_it_accepts_a_floor_no_stricter_than_the_target(better, floor, target):
    assert check_target_bounds(better, floor, target) == ()


# --- the action ---------------------------------------------------------------------------


@pytest.fixture
def org(db):
    return build_persona_org()


def _set(org, persona="manager", **overrides):
    args = {
        "actor": org.user(persona),
        "program": org.programs["P1"],
        "team": None,
        "metric": "fcr",
        "sla_floor": 75.0,
        "kpi_target": 80.0,
        "source": "MSA §4.2",
        "effective_from": LONG_AGO,
    } | overrides
    return do_set_target(**args)


def test_a_change_is_a_new_version_with_its_audit_event(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _set(org)
        second = _set(org, sla_floor=72.0, effective_from=LONG_AGO + dt.timedelta(days=30))
    assert Target.objects.filter(program=org.programs["P1"], metric="fcr").count() == 2
    assert second.previous == first.target
    events = AuditEvent.objects.filter(action="target.set").order_by("id")
    assert [e.object_id for e in events] == [str(first.target.pk), str(second.target.pk)]
    assert events[1].changes["sla_floor"] == [75.0, 72.0]
    assert events[1].actor == org.user("manager")
    assert events[1].role == "operations_manager"


@pytest.mark.parametrize("persona", ["lead", "qa", "hr", "client_viewer", "agent", "outsider"])
def test_only_managers_of_the_program_and_admins_set_targets(org, persona):
    with pytest.raises(PermissionDenied):
        _set(org, persona)
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action="target.set").exists()


def test_a_manager_of_another_program_cannot_set_targets(org):
    with pytest.raises(PermissionDenied):
        _set(org, program=org.programs["P2"])


def test_an_admin_sets_any_programs_targets(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change = _set(org, "admin", program=org.programs["P2"], team=org.teams["T3"])
    assert change.target.team == org.teams["T3"]
    assert AuditEvent.objects.get(action="target.set").role == "admin"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sla_floor": 85.0, "kpi_target": 80.0}, "sla_floor"),
        ({"metric": "aht", "sla_floor": 300.0, "kpi_target": 420.0}, "sla_floor"),
        ({"sla_floor": None, "kpi_target": None}, "__all__"),
        ({"metric": "volume"}, "__all__"),
        ({"metric": "nope"}, "metric"),
    ],
)
def test_it_refuses_a_bad_version_and_writes_nothing(org, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _set(org, **overrides)
    assert field in caught.value.message_dict
    assert not Target.objects.exists()


def test_it_refuses_a_team_of_another_program(org):
    with pytest.raises(ValidationError) as caught:
        _set(org, team=org.teams["T3"])
    assert "team" in caught.value.message_dict


def test_it_refuses_a_second_version_on_the_same_day(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _set(org)
    with pytest.raises(ValidationError):
        _set(org, sla_floor=70.0)
    assert Target.objects.count() == 1


# --- statuses follow the targets ----------------------------------------------------------


def test_setting_a_target_refreshes_statuses_without_touching_values(
    org, django_capture_on_commit_callbacks
):
    before = dict(ScorecardSnapshot.objects.values_list("id", "value"))
    # Factory FCR is 74 everywhere (floor 70 / target 80 -> below target).
    with django_capture_on_commit_callbacks(execute=True):
        _set(org, sla_floor=75.0, kpi_target=80.0)
    fcr = ScorecardSnapshot.objects.filter(metric="fcr")
    assert set(fcr.filter(program_code="P1").values_list("status", flat=True)) == {"below_sla"}
    assert set(fcr.filter(program_code="P1").values_list("sla_floor", flat=True)) == {75.0}
    # P2 has no target version: its rows lose nothing they had (no refresh asked for it).
    assert set(fcr.filter(program_code="P2").values_list("status", flat=True)) == {"below_target"}
    assert dict(ScorecardSnapshot.objects.values_list("id", "value")) == before


def test_a_team_target_wins_for_the_team_and_its_agents(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _set(org, sla_floor=75.0, kpi_target=80.0)
        _set(org, team=org.teams["T1"], sla_floor=60.0, kpi_target=70.0)
    rows = ScorecardSnapshot.objects.filter(metric="fcr", program_code="P1")
    team = rows.get(level=Level.TEAM, entity_code="T1", period_start=org.last_week.start)
    agent = rows.get(level=Level.AGENT, entity_code="A1", period_start=org.last_week.start)
    program = rows.get(level=Level.PROGRAM, entity_code="P1", period_start=org.last_week.start)
    other = rows.get(level=Level.TEAM, entity_code="T2", period_start=org.last_week.start)
    assert (team.status, team.kpi_target) == ("on_target", 70.0)
    assert (agent.status, agent.kpi_target) == ("on_target", 70.0)
    assert (program.status, program.sla_floor) == ("below_sla", 75.0)
    assert (other.status, other.sla_floor) == ("below_sla", 75.0)


def test_a_version_applies_from_its_date_only(org, django_capture_on_commit_callbacks):
    switch = dt.date(2026, 10, 5)  # first day of 2026-W41
    with django_capture_on_commit_callbacks(execute=True):
        _set(org, sla_floor=70.0, kpi_target=80.0)
        _set(org, sla_floor=75.0, kpi_target=80.0, effective_from=switch)
    rows = ScorecardSnapshot.objects.filter(metric="fcr", level=Level.PROGRAM, entity_code="P1")
    assert rows.get(period_start=dt.date(2026, 9, 28)).status == "below_target"
    assert rows.get(period_start=switch).status == "below_sla"


def test_refreshed_statuses_agree_with_the_one_row_rule(org):
    Target.objects.create(
        program=org.programs["P1"], metric="aht", sla_floor=450.0, kpi_target=430.0,
        effective_from=LONG_AGO,
    )  # fmt: skip
    Target.objects.create(
        program=org.programs["P2"], metric="fcr", sla_floor=74.0, kpi_target=76.0,
        effective_from=LONG_AGO,
    )  # fmt: skip
    changed = refresh_statuses(None)
    assert changed > 0
    for row in ScorecardSnapshot.objects.all():
        better = CATALOG[row.metric].better
        assert row.status == status_for(row.value, row.sla_floor, row.kpi_target, better), row
    assert refresh_statuses(None) == 0  # nothing left to change


# --- the page -----------------------------------------------------------------------------


def _page(client, org, persona, code="P1"):
    client.force_login(org.user(persona))
    return client.get(f"/programs/{code}/targets/")


def test_a_manager_sets_a_version_on_the_page(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.user("manager"))
    data = {
        "metric": "fcr",
        "team": "T1",
        "sla_floor": "72",
        "kpi_target": "80",
        "source": "QA criteria v3",
        "effective_from": "2026-10-05",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/programs/P1/targets/", data)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.team.code, target.sla_floor, target.created_by) == (
        "T1",
        72.0,
        org.user("manager"),
    )
    text = client.get("/programs/P1/targets/").content.decode()
    assert "QA criteria v3" in text
    assert "Claims North" in text
    assert "manager" in text  # who set it


def test_the_page_explains_a_refused_version(client, org):
    client.force_login(org.user("manager"))
    data = {"metric": "fcr", "sla_floor": "90", "kpi_target": "80", "source": "x",
            "effective_from": "2026-10-05"}  # fmt: skip
    response = client.post("/programs/P1/targets/", data)
    assert response.status_code == 400
    assert "stricter than the KPI target" in response.content.decode()
    assert not Target.objects.exists()


def test_history_keeps_every_version(client, org):
    versions = ((LONG_AGO, 70.0), (dt.date(2026, 6, 1), 72.0), (dt.date(2099, 1, 1), 74.0))
    for day, floor in versions:
        Target.objects.create(
            program=org.programs["P1"], metric="fcr", sla_floor=floor, kpi_target=80.0,
            source=f"v{floor:g}", effective_from=day,
        )  # fmt: skip
    text = _page(client, org, "manager").content.decode()
    for label in ("v70", "v72", "v74"):
        assert label in text
    assert text.count(">replaced<") == 1
    assert text.count(">scheduled<") == 1
    assert text.count(">in force<") == 1


@pytest.mark.parametrize("persona", ["lead", "qa", "hr", "client_viewer"])
def test_readers_see_no_form_and_cannot_post(client, org, persona):
    response = _page(client, org, persona)
    assert response.status_code == 200
    assert "Set a new version" not in response.content.decode()
    posted = client.post("/programs/P1/targets/", {"metric": "fcr", "kpi_target": "90"})
    assert posted.status_code == 403
    assert not Target.objects.exists()


def test_out_of_scope_posts_get_the_same_404(client, org):
    client.force_login(org.user("manager"))
    assert client.post("/programs/P2/targets/", {"metric": "fcr"}).status_code == 404
    assert client.post("/programs/NOPE/targets/", {"metric": "fcr"}).status_code == 404


def test_client_viewers_see_program_targets_but_no_team(client, org):
    Target.objects.create(program=org.programs["P1"], metric="fcr", sla_floor=70.0,
                          source="MSA §4.2", effective_from=LONG_AGO)  # fmt: skip
    Target.objects.create(program=org.programs["P1"], team=org.teams["T2"], metric="fcr",
                          sla_floor=65.0, source="team pilot", effective_from=LONG_AGO)  # fmt: skip
    text = _page(client, org, "client_viewer").content.decode()
    assert "MSA §4.2" in text
    assert "team pilot" not in text
    assert "Claims South" not in text
    lead_text = _page(client, org, "lead").content.decode()  # T1's lead: not T2's target
    assert "team pilot" not in lead_text
    assert "team pilot" in _page(client, org, "manager").content.decode()
