"""Trend charts people read: the axis is the metric's own range, small samples are hollow
points with no band, every mark's shape says its status, each point's tooltip gives n and
the interval, and the default metric is the one furthest below its standard."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.scorecards.chart_points import SHAPE_WORDS
from upswing.scorecards.charts import SeriesPoint, axis_range, trend_chart
from upswing.scorecards.pages import PairGroup, ScoreRow, StatusView
from upswing.scorecards.rules import is_small_sample, shortfall
from upswing.scorecards.views import _default_metric

FIRST = dt.date(2026, 9, 7)


def _point(i: int, value, **extra) -> SeriesPoint:
    start = FIRST + dt.timedelta(weeks=i)
    extra.setdefault("value_text", f"{value}")
    return SeriesPoint(
        label=f"W{i}", start=start, end=start + dt.timedelta(days=6), value=value, **extra
    )


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("%", (0.0, 100.0)), ("1-5", (1.0, 5.0)), ("1-7", (1.0, 7.0)), ("points", (-100.0, 100.0))],
)
def test_a_bounded_metric_is_drawn_on_its_whole_scale(unit, expected):
    # A wide interval on one observation (the -20..40 seen on Customer effort) never
    # stretches the axis past the scale.
    points = [_point(0, 3.0, ci_low=-20.0, ci_high=40.0, n=1, small=True), _point(1, 4.0)]
    assert axis_range(points, unit) == expected


def test_a_time_starts_at_zero_and_ends_on_a_round_tick_above_the_values():
    points = [_point(0, 312.0, ci_low=290.0, ci_high=335.0, sla_floor=360.0)]
    low, high = axis_range(points, "s")
    assert low == 0.0
    assert 360.0 < high <= 500.0
    chart = trend_chart(points, "s")
    assert chart.y_ticks[0].label == "0 s"
    assert chart.y_ticks[-1].pos == chart.plot_top


def test_the_interval_of_a_small_sample_does_not_set_the_axis():
    points = [_point(0, 300.0, ci_low=0.0, ci_high=5000.0, n=2, small=True), _point(1, 310.0)]
    assert axis_range(points, "s")[1] < 1000.0


@given(
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=30),
    st.sampled_from(["%", "1-5", "1-7", "points", "s", "count", ""]),
)
def test_every_point_and_tick_stays_inside_the_plot(values, unit):
    chart = trend_chart([_point(i, v) for i, v in enumerate(values)], unit)
    for dot in chart.dots:
        assert chart.plot_top <= dot.y <= chart.plot_bottom
        assert chart.plot_left <= dot.tip_x
        assert dot.tip_x + dot.tip_width <= chart.plot_right or dot.tip_x == chart.plot_left
    for tick in chart.y_ticks:
        assert chart.plot_top <= tick.pos <= chart.plot_bottom


def test_a_small_sample_is_a_hollow_point_without_band():
    points = [
        _point(0, 80.0, ci_low=70.0, ci_high=90.0, n=40),
        _point(1, 50.0, ci_low=10.0, ci_high=90.0, n=3, small=True),
        _point(2, 82.0, ci_low=72.0, ci_high=92.0, n=40),
    ]
    chart = trend_chart(points, "%")
    assert [d.shape for d in chart.dots] == ["circle", "hollow", "circle"]
    # the band is cut at the small sample: two lone bars, never across it
    assert chart.band_path.count("Z") == 2
    assert "hollow" in {m.shape for m in chart.legend}
    assert "too few to judge" in chart.dots[1].label.lower()


def test_each_status_has_its_own_shape_and_legend_entry():
    points = [
        _point(0, 90.0, status="on_target", n=50),
        _point(1, 80.0, status="below_target", n=50),
        _point(2, 60.0, status="below_sla", n=50),
    ]
    chart = trend_chart(points, "%")
    shapes = [d.shape for d in chart.dots]
    assert shapes == ["circle", "diamond", "triangle"]
    assert len({d.d.count("L") for d in chart.dots}) == 3  # three different outlines
    assert [m.words for m in chart.legend] == [SHAPE_WORDS[s] for s in shapes]


def test_the_tooltip_gives_period_value_n_and_interval():
    point = _point(
        0,
        82.1,
        value_text="82.1%",
        n=1234,
        interval_text="79.0% – 85.0%",
        status="on_target",
        status_words="On target",
    )
    (dot,) = trend_chart([point], "%").dots
    assert dot.tip_lines == ("W0: 82.1%", "n = 1,234 · 95% interval 79.0% – 85.0%", "On target")
    assert dot.label == "W0: 82.1%. n = 1,234 · 95% interval 79.0% – 85.0%. On target"
    rows = dot.tip_rows
    assert len(rows) == 3
    assert all(dot.tip_y < y < dot.tip_y + dot.tip_height for y, _ in rows)


def test_small_samples_follow_each_metrics_minimum():
    assert is_small_sample("fcr", 9)
    assert not is_small_sample("fcr", 10)
    assert is_small_sample("qa", 5)
    assert not is_small_sample("qa", 6)
    assert not is_small_sample("volume", 1)


def test_shortfall_is_zero_on_target_and_grows_with_the_gap():
    assert shortfall("fcr", 90.0, 70.0, 85.0) == 0.0
    assert shortfall("fcr", 80.0, 70.0, 85.0) == pytest.approx(0.05)
    assert shortfall("fcr", 60.0, 70.0, 85.0) == pytest.approx(0.10)  # gap to the floor
    assert shortfall("aht", 450.0, 400.0, 360.0) == pytest.approx(50 / 400)
    assert shortfall("aht", 380.0, 400.0, 360.0) == pytest.approx(20 / 360)
    assert shortfall("csat_score", 3.0, 3.5, 4.0) == pytest.approx(0.5 / 4)


def _row(metric: str, status: str, gap: float = 0.0) -> ScoreRow:
    return ScoreRow(
        metric,
        metric,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        StatusView(status, status, ""),
        "",
        "",
        shortfall=gap,
    )


def test_the_default_metric_is_the_one_furthest_below_its_standard_with_enough_data():
    groups = [
        PairGroup("a", (_row("ces", "too_few"), _row("aht", "below_target", 0.02))),
        PairGroup("b", (_row("fcr", "below_target", 0.08), _row("csat", "on_target"))),
    ]
    assert _default_metric(groups) == "fcr"
    groups.append(PairGroup("c", (_row("qa", "below_sla", 0.01),)))
    assert _default_metric(groups) == "qa"


def test_a_metric_too_small_to_judge_is_never_the_default_when_another_is_judged():
    groups = [PairGroup("a", (_row("ces", "too_few"), _row("csat", "on_target")))]
    assert _default_metric(groups) == "csat"
