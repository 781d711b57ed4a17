"""Every sentence a finding states agrees with the numbers it states: a property test over
thousands of generated findings (hypothesis draws small programs whose agents sit around the
floor, decline, or fall off it, at every cadence).

Checked: the direction word of a trend against the two values it prints; "below"/"above" a
floor against the metric's direction and the values compared with it; the one-sided bound
of a pooled window against the floor; how many weeks' own intervals show the gap against the
assessment; and no interval printed outside the metric's range.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.findings.builders import AS_OF, LAST, mean_obs, share_obs, weeks_ending

from upswing.findings.rules import AgentSeries, DiagnosisConfig, DiagnosisInputs, diagnose
from upswing.findings.rules.gaps import evaluate_sustained_gap
from upswing.metrics import CATALOG, Better

CONFIG = DiagnosisConfig()
FLOORS = {"fcr": 70.0, "csat": 65.0, "qa": 80.0, "aht": 600.0, "csat_score": 3.5}
SD = {"qa": 9.0, "aht": 160.0, "csat_score": 1.0}
NUMBER = r"(-?[\d,]+(?:\.\d+)?)"
SEEN = {"findings": 0, "sides": 0, "trend": 0, "bound": 0, "intervals": 0}


def parse(text: str) -> float:
    return float(text.replace(",", ""))


@st.composite
def agent_series(draw, metric: str, agent: str, team: str) -> AgentSeries:
    floor = FLOORS[metric]
    higher = CATALOG[metric].better is Better.HIGHER
    span = {"fcr": 25.0, "csat": 30.0, "qa": 20.0, "aht": 250.0, "csat_score": 1.5}[metric]
    start = draw(st.floats(floor - span / 2, floor + span))
    if not higher:
        start = draw(st.floats(floor - span, floor + span / 2))
    slope = draw(st.sampled_from([0.0, 0.0, -0.04, -0.08, 0.05])) * span
    slope = slope if higher else -slope
    n = draw(st.sampled_from([2, 4, 8, 15, 45, 120]))
    periods = weeks_ending(LAST, 8)
    observations = []
    for i, period in enumerate(periods):
        noise = draw(st.floats(-0.3, 0.3)) * span
        value = start + slope * i + noise
        if CATALOG[metric].unit.value == "%":
            value = min(max(value, 0.0), 100.0)
        size = max(1, n + draw(st.integers(-1, 2)))
        extra = {"sla_floor": floor, "baseline": start + slope * i / 4}
        if metric in ("fcr", "csat"):
            observations.append(share_obs(period, value, size, **extra))
        else:
            observations.append(mean_obs(period, value, size, SD[metric], **extra))
    return AgentSeries(agent, team, "P1", metric, tuple(observations))


@st.composite
def programs(draw):
    series = []
    for metric in FLOORS:
        for i in range(draw(st.integers(1, 3))):
            team = f"T{i % 2}"
            series.append(draw(agent_series(metric, f"{metric}-{i}", team)))
    return series


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_every_sentence_agrees_with_its_numbers(series):
    inputs = DiagnosisInputs(as_of=AS_OF, last_period=LAST, series=tuple(series), config=CONFIG)
    by_key = {(s.agent_id, s.metric): s for s in series}
    for finding in diagnose(inputs).findings:
        SEEN["findings"] += 1
        metric = finding.metric
        text = " ".join(finding.reasons)
        check_sides(metric, text)
        check_trend(metric, text)
        check_pooled_bound(metric, text)
        check_intervals_count(by_key[(finding.agent_id, metric)], text)
        check_range(metric, text)
        check_team_drop(metric, text)


def worse(metric: str, value: float, bound: float) -> bool:
    return value < bound if CATALOG[metric].better is Better.HIGHER else value > bound


def check_sides(metric: str, text: str) -> None:
    wrong = "above" if CATALOG[metric].better is Better.HIGHER else "below"
    assert f"was {wrong} the SLA floor" not in text, text
    assert f"gap {wrong} the SLA floor" not in text, text
    found = re.search(rf"SLA floor of {NUMBER}\S* in .*?, at {NUMBER}\S* over those weeks", text)
    if found:  # the weeks' pooled value is on the worse side of the single floor it names
        SEEN["sides"] += 1
        assert worse(metric, parse(found.group(2)), parse(found.group(1))), text


def check_trend(metric: str, text: str) -> None:
    moved = re.search(rf"it (fell|rose|held steady) from {NUMBER}\S* to {NUMBER}", text)
    if not moved:
        return
    SEEN["trend"] += 1
    verb, first, last = moved.group(1), parse(moved.group(2)), parse(moved.group(3))
    if verb == "fell":
        assert last < first, text
    elif verb == "rose":
        assert last > first, text
    else:
        assert last == first, text
    # a decline is a move the worse way
    assert verb != "held steady", text
    assert worse(metric, last, first), text


def check_pooled_bound(metric: str, text: str) -> None:
    bound = re.search(
        rf"one-sided \d+% bound of {NUMBER}\S* is (below|above) the floor \({NUMBER}", text
    )
    if bound:
        SEEN["bound"] += 1
        value, side, floor = parse(bound.group(1)), bound.group(2), parse(bound.group(3))
        assert side == ("below" if CATALOG[metric].better is Better.HIGHER else "above"), text
        # printed with the decimals it takes to differ from the floor: never "75.0% is below
        # the floor (75.0%)"
        assert worse(metric, value, floor), text
    team = re.search(
        rf"one-sided \d+% bound of {NUMBER}\S* (below|above) the SLA floor of {NUMBER}", text
    )
    if team:
        SEEN["team"] += 1
        value, side, floor = parse(team.group(1)), team.group(2), parse(team.group(3))
        assert side == ("below" if CATALOG[metric].better is Better.HIGHER else "above"), text
        assert worse(metric, value, floor), text


def check_team_drop(metric: str, text: str) -> None:
    moved = re.search(
        rf"of the rest of team \S+ \(\d+ agents\) (fell|rose|held steady) from {NUMBER}\S* "
        rf"\(.*?\) to {NUMBER}\S* \(.*?\), (below|above) the SLA floor of {NUMBER}",
        text,
    )
    if not moved:
        return
    SEEN["team_drop"] += 1
    verb, first, last = moved.group(1), parse(moved.group(2)), parse(moved.group(3))
    side, floor = moved.group(4), parse(moved.group(5))
    assert verb == ("fell" if last < first else "rose"), text
    assert worse(metric, last, first), text
    assert side == ("below" if CATALOG[metric].better is Better.HIGHER else "above"), text
    assert worse(metric, last, floor), text


def check_intervals_count(series: AgentSeries, text: str) -> None:
    gap = evaluate_sustained_gap(series, LAST, CONFIG)
    if "no week's own interval shows it" in text:
        assert gap.weekly_intervals_below == 0, text
    shown = re.search(r"only (\d+) of \d+ weeks' own intervals show it", text)
    if shown:
        SEEN["intervals"] += 1
        assert int(shown.group(1)) == gap.weekly_intervals_below, text
    if "none of the agent's own weekly intervals lies wholly" in text:
        assert gap.weekly_intervals_below == 0, text
    lying = re.search(r"(\d+) of the agent's own weeks?'?s? intervals? lie", text)
    if lying:
        assert int(lying.group(1)) == gap.weekly_intervals_below, text


def check_range(metric: str, text: str) -> None:
    if CATALOG[metric].unit.value != "%":
        return
    for match in re.finditer(rf"it (?:fell|rose) from {NUMBER}% to {NUMBER}%", text):
        assert 0.0 <= parse(match.group(1)) <= 100.0, text
        assert 0.0 <= parse(match.group(2)) <= 100.0, text
    for match in re.finditer(r"95% interval (-?[\d.]+)% to (-?[\d.]+)%", text):
        assert 0.0 <= float(match.group(1)) <= float(match.group(2)) <= 100.0, text


def test_the_property_test_saw_thousands_of_findings():
    """Runs after the property test in file order: the generated programs must have given
    thousands of findings to check, or the property says little."""
    if SEEN["findings"] == 0:
        test_every_sentence_agrees_with_its_numbers()
    assert SEEN["findings"] >= 1000, SEEN
    assert min(SEEN.values()) > 0, SEEN  # every kind of sentence was met and checked
