"""Breaches read from the program's scorecards: windows, versions, time zones, excuses."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from governance.conftest import add_event, month_value
from upswing.audit.models import AuditEvent
from upswing.governance.actions import do_accept_excuse, do_flag_event
from upswing.governance.queries import breach_report_for, local_yesterday
from upswing.governance.rules.breaches import Escalation, Verdict
from upswing.scorecards.models import ScorecardSnapshot

D = dt.date


def values(program, metric, by_month: dict[int, float], **kw):
    ScorecardSnapshot.objects.bulk_create(
        month_value(program, metric, D(2026, m, 1), v, **kw) for m, v in by_month.items()
    )


def test_breaches_follow_the_version_governing_each_month(world):
    values(world.program, "fcr", {1: 79, 2: 81, 3: 78, 4: 77, 5: 77})
    report = breach_report_for(world.program, D(2026, 5, 31))
    # Jan 79 < 80 (v1), Mar 78 < 80 (v1); v2 (floor 75) starts 10 April: governs from May.
    # April is still v1's: 77 < 80. May under v2: 77 >= 75, met.
    got = [(b.result.label, b.result.version, b.count) for b in report.breaches]
    assert got == [("2026-01", "1", 1), ("2026-03", "1", 2), ("2026-04", "1", 3)]
    may = [w for w in report.windows if w.label == "2026-05" and w.metric == "fcr"]
    assert may[0].verdict is Verdict.MET
    assert report.escalation is Escalation.PARTNERSHIP_REVIEW


def test_the_aht_line_dropped_by_version_two_is_judged_only_under_version_one(world):
    values(world.program, "aht", {3: 320, 5: 320})
    report = breach_report_for(world.program, D(2026, 5, 31))
    assert [(b.result.metric, b.result.label) for b in report.breaches] == [("aht", "2026-03")]


def test_a_month_is_judged_once_its_last_local_day_has_ended(world):
    values(world.program, "fcr", {1: 70})
    # 04:30 UTC on 1 February is 23:30 on 31 January in New York: January is not over there.
    with time_machine.travel(dt.datetime(2026, 2, 1, 4, 30, tzinfo=dt.UTC), tick=False):
        assert local_yesterday(world.program) == D(2026, 1, 30)
        assert breach_report_for(world.program).breaches == ()
        # In Tokyo it is 13:30 on 1 February: 31 January has ended there.
        assert local_yesterday(world.other) == D(2026, 1, 31)
    # 05:30 UTC on 1 February is 00:30 in New York: January has ended.
    with time_machine.travel(dt.datetime(2026, 2, 1, 5, 30, tzinfo=dt.UTC), tick=False):
        assert local_yesterday(world.program) == D(2026, 1, 31)
        assert len(breach_report_for(world.program).breaches) == 1


def test_small_samples_and_partial_months_are_not_breaches(world):
    values(world.program, "fcr", {1: 50}, n=5)
    values(world.program, "fcr", {2: 50}, partial=True)
    report = breach_report_for(world.program, D(2026, 2, 28))
    assert report.breaches == ()
    assert [w.verdict for w in report.windows if w.metric == "fcr"] == [
        Verdict.TOO_FEW,
        Verdict.OPEN,
    ]


def test_an_excuse_accepted_by_the_governance_lead_takes_the_breach_out_of_the_count(world):
    values(world.program, "fcr", {2: 70, 3: 70})
    add_event(world.program, "E-OUT", D(2026, 2, 27), D(2026, 3, 2))
    before = breach_report_for(world.program, D(2026, 3, 31))
    assert [b.count for b in before.breaches] == [1, 2]
    assert before.breaches[0].result.events[0].event_id == "E-OUT"

    do_accept_excuse(world.program, "E-OUT", metric="fcr", note="outage", actor=world.users["lead"])
    after = breach_report_for(world.program, D(2026, 3, 31))
    # the outage overlaps February and March: both excused, none counts
    assert [b.count for b in after.breaches] == [None, None]
    assert after.escalation is None
    event = AuditEvent.objects.get(action="governance.excuse_accepted")
    assert event.role == "client_governance_lead"


@pytest.mark.parametrize("who", ["viewer", "vendor", "other_lead", "team_lead"])
def test_only_the_programs_governance_lead_accepts_an_excuse(world, who):
    add_event(world.program, "E-OUT", D(2026, 2, 27), D(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        do_accept_excuse(world.program, "E-OUT", actor=world.users[who])


def test_an_excuse_needs_an_event_of_the_program(world):
    add_event(world.other, "E-ELSEWHERE", D(2026, 2, 27), D(2026, 3, 2))
    with pytest.raises(ValidationError, match="no recorded event"):
        do_accept_excuse(world.program, "E-ELSEWHERE", actor=world.users["lead"])


def test_the_vendor_flags_an_event_in_advance(world):
    add_event(world.program, "E-PLAN", D(2026, 3, 10), D(2026, 3, 11), kind="tool_change")
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        do_flag_event(world.program, "E-PLAN", note="migration", actor=world.users["vendor"])
    with pytest.raises(PermissionDenied):
        do_flag_event(world.program, "E-PLAN", actor=world.users["viewer"])
    [event] = breach_report_for(world.program, D(2026, 3, 31)).events
    assert event.flagged_in_advance
    assert AuditEvent.objects.filter(action="governance.event_flagged").count() == 1


def test_a_vendor_account_manager_sees_only_the_programs_granted_to_it(world):
    from factories import ProgramFactory, RoleGrantFactory, UserFactory
    from upswing.governance.access import visible_governed_programs
    from upswing.org.models import Role

    rival = ProgramFactory(code="P-RIVAL", client=world.program.client)
    wide = UserFactory(username="vendor-wide")
    RoleGrantFactory(user=wide, role=Role.VENDOR_ACCOUNT_MANAGER, client=world.program.client)
    assert list(visible_governed_programs(wide)) == []
    assert list(visible_governed_programs(world.users["vendor"])) == [world.program]
    assert set(visible_governed_programs(world.users["viewer"])) == {world.program, rival}
    assert list(visible_governed_programs(world.users["team_lead"])) == []
