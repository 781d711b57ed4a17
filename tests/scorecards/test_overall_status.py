"""One overall status for a team, program or agent, consistent with its metrics' statuses
(scorecards.rules.overall_status): never "on target" beside a metric below its SLA floor."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import build_persona_org
from upswing.periods import parse_period
from upswing.scorecards import children
from upswing.scorecards.rules import TOO_FEW, Status, concern, overall_status

STATUSES = [s.value for s in Status] + [TOO_FEW]


@given(st.lists(st.sampled_from(STATUSES), max_size=14))
def test_the_overall_status_is_the_worst_judged_one(statuses):
    overall = overall_status(statuses)
    if Status.BELOW_SLA.value in statuses:
        assert overall == Status.BELOW_SLA.value
    elif Status.BELOW_TARGET.value in statuses:
        assert overall == Status.BELOW_TARGET.value
    elif Status.ON_TARGET.value in statuses:
        assert overall == Status.ON_TARGET.value
    elif TOO_FEW in statuses:
        assert overall == TOO_FEW
    else:
        assert overall == Status.NO_TARGET.value


@given(st.lists(st.sampled_from(STATUSES), max_size=14), st.randoms())
def test_the_order_of_the_metrics_does_not_matter(statuses, rng):
    shuffled = list(statuses)
    rng.shuffle(shuffled)
    assert overall_status(shuffled) == overall_status(statuses)


def test_too_few_to_judge_never_reads_as_on_target_or_a_breach():
    assert overall_status([TOO_FEW, TOO_FEW]) == TOO_FEW
    assert overall_status([TOO_FEW, Status.NO_TARGET.value]) == TOO_FEW
    assert overall_status([Status.ON_TARGET.value, TOO_FEW]) == Status.ON_TARGET.value


@pytest.fixture
def org(db):
    return build_persona_org()


def test_each_listed_team_and_agent_has_an_overall_status_matching_its_counts(org):
    manager = org.user("manager")
    rows = children.program_teams(manager, org.programs["P1"], parse_period("2026-W46"), "aht")
    rows += children.team_agents(manager, org.teams["T1"], parse_period("2026-W46"), "aht")
    assert rows
    for row in rows:
        if row.overall is None:
            continue
        if row.below_sla:
            assert row.overall.words == "Below SLA floor"
        elif row.below_target:
            assert row.overall.words == "Below target"
        else:
            assert row.overall.code not in (Status.BELOW_SLA.value, Status.BELOW_TARGET.value)


def test_the_team_page_shows_the_overall_status_column(client, org):
    client.force_login(org.user("manager"))
    text = client.get("/programs/P1/").content.decode()
    listing = text[text.index('id="children"') :]
    assert 'data-sort="overall">Overall' in listing  # a sortable column of the table


def test_the_scorecard_states_its_overall_status_with_the_counts(client, org):
    from upswing.scorecards.pages import STATUS_WORDS, overall_of, scorecard

    manager = org.user("manager")
    groups = scorecard(manager, "team", "T1", parse_period("2026-W46"))
    overall = overall_of(groups)
    codes = [row.status.code for group in groups for row in group.rows]
    assert overall.below_sla == codes.count(Status.BELOW_SLA.value)
    assert overall.status.code == overall_status(codes)
    client.force_login(manager)
    text = client.get("/teams/T1/?period=2026-W46").content.decode()
    overall_line = text[text.index('<p class="overall">') :]
    overall_line = overall_line[: overall_line.index("</p>")]
    assert STATUS_WORDS[overall.status.code] in overall_line
    assert f"{overall.below_sla} metric" in overall_line


# --- worst first: the order of listed teams and agents (rules.concern) --------------------

fcr_values = st.floats(min_value=0, max_value=100, allow_nan=False)


def _fcr_concern(value: float) -> tuple[int, float]:
    floor, target = 70.0, 80.0
    status = "below_sla" if value < floor else "below_target" if value < target else "on_target"
    return concern(status, "fcr", value, floor, target)


@given(fcr_values, fcr_values)
def test_a_lower_share_on_a_higher_is_better_metric_is_never_listed_after_a_higher_one(a, b):
    low, high = min(a, b), max(a, b)
    assert _fcr_concern(low) <= _fcr_concern(high)


@given(st.floats(min_value=0, max_value=5000, allow_nan=False), st.floats(0, 5000))
def test_a_longer_handle_time_above_its_target_is_listed_first(a, b):
    def key(value):
        status = "below_sla" if value > 600 else "below_target" if value > 420 else "on_target"
        return concern(status, "aht", value, 600.0, 420.0)

    short, long = min(a, b), max(a, b)
    assert key(long) <= key(short)


def test_missed_standards_come_first_then_met_then_too_few_then_none():
    order = [
        Status.BELOW_SLA.value,
        Status.BELOW_TARGET.value,
        Status.ON_TARGET.value,
        TOO_FEW,
        Status.NO_TARGET.value,
    ]
    keys = [concern(status, "fcr", 75.0, None, None) for status in order]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
