"""On a phone the trend scrolls sideways while its vertical axis stays: the y labels are in
their own SVG beside the scrolling one, both drawn in the chart's coordinates at one height."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from lxml import html

from upswing.metrics import CATALOG
from upswing.scorecards.charts import LABEL_PAD, SeriesPoint, trend_chart

FIRST = dt.date(2026, 1, 5)
CSS = Path(__file__).parents[2] / "src/upswing/site/static/upswing/site.css"


def _series(count: int) -> list[SeriesPoint]:
    points = []
    for i in range(count):
        start = FIRST + dt.timedelta(weeks=i)
        value = 300.0 + 7 * (i % 5)
        points.append(
            SeriesPoint(
                label=f"2026-W{i + 2:02d}", start=start, end=start + dt.timedelta(days=6),
                value=value, ci_low=value - 10, ci_high=value + 10, n=80,
                value_text=f"{value:.0f} s", kpi_target=310.0,
            )
        )  # fmt: skip
    return points


@pytest.fixture
def rendered(rf):
    chart = trend_chart(_series(26), "s")
    context = {
        "chart": chart, "series": _series(26), "metric": CATALOG["aht"], "metric_choices": [],
        "period": type("P", (), {"label": "2026-W27"})(), "trend_kind": "Weekly",
        "level": "team", "events": [], "request": rf.get("/teams/T1/"),
    }  # fmt: skip
    return chart, html.fromstring(render_to_string("scorecards/partials/trend.html", context))


def _view(svg) -> list[float]:
    return [float(v) for v in (svg.get("viewBox") or svg.get("viewbox")).split()]


def test_the_y_labels_sit_outside_the_scrolling_plot(rendered):
    chart, doc = rendered
    frame = doc.xpath('//div[@class="chart-frame"]')[0]
    axis = frame.xpath('./svg[contains(@class, "chart-axis")]')
    plot = frame.xpath('./div[@class="chart-scroll"]/svg[contains(@class, "chart-plot")]')
    assert len(axis) == 1
    assert len(plot) == 1
    axis_labels = [t.text for t in axis[0].xpath(".//text")]
    assert axis_labels == [t.label for t in chart.y_ticks]
    assert len(axis_labels) >= 3
    plot_labels = {t.text for t in plot[0].xpath('.//text[contains(@class, "tick")]')}
    assert not plot_labels & set(axis_labels), "a y label scrolls with the plot"
    assert {t.label for t in chart.x_ticks} <= plot_labels
    assert not doc.xpath('//div[@class="chart-scroll"]//svg[contains(@class, "chart-axis")]')
    assert "#}" not in doc.text_content()  # no template comment leaks as text


def test_the_axis_and_the_plot_share_one_coordinate_system(rendered):
    chart, doc = rendered
    axis = doc.xpath('//svg[contains(@class, "chart-axis")]')[0]
    plot = doc.xpath('//svg[contains(@class, "chart-plot")]')[0]
    ax, ay, aw, ah = _view(axis)
    px, py, pw, ph = _view(plot)
    assert (ax, ax + aw) == (0, chart.plot_left)  # the axis ends where the plot begins
    assert px <= chart.plot_left - LABEL_PAD  # room for a label centred on the first point
    assert px + pw >= chart.width + LABEL_PAD  # and on the last
    assert (ay, ah) == (py, ph) == (0, chart.height)  # so a label is level with its grid line
    grid = sorted(float(g.get("y1")) for g in plot.xpath('.//line[@class="grid"]'))
    labels = sorted(float(t.get("y")) for t in axis.xpath(".//text"))
    assert grid == labels
    css = CSS.read_text()  # no inline style: the site's CSP forbids it
    assert f"svg.chart-axis {{ aspect-ratio: {int(aw)} / {int(ah)}; }}" in css
    overlap = chart.plot_left - px  # the wide screen's middle column: the shared strip
    columns = f"{int(px)}fr {int(overlap)}fr {int(pw - overlap)}fr"
    assert f"grid-template-columns: {columns};" in css
    assert f"svg.chart-plot {{ aspect-ratio: {int(pw)} / {int(ph)}; }}" in css
    assert axis.get("style") is None
    assert plot.get("style") is None
    assert axis.get("aria-hidden") == "true"  # the plot's title and the table carry the numbers


def test_no_x_label_is_cut_at_the_plot_edges(rendered):
    chart, doc = rendered
    plot = doc.xpath('//svg[contains(@class, "chart-plot")]')[0]
    px, _, pw, _ = _view(plot)
    ticks = plot.xpath('.//g[@class="axis"]/text')
    assert ticks
    for t in ticks:  # 13 px text: a label's half is under 4.2 px a character
        half = 4.2 * len(t.text)
        assert px <= float(t.get("x")) - half
        assert float(t.get("x")) + half <= px + pw
    assert max(float(t.get("x")) for t in ticks) == chart.plot_right


def test_on_a_phone_only_the_plot_scrolls_and_both_keep_one_height():
    css = CSS.read_text()
    phone = css[css.index(".chart-frame { display: grid") :]
    phone = phone[phone.index("@media (max-width: 700px)") :]
    phone = phone[: phone.index("/* ==== end of charts")]
    assert re.search(r"\.chart-scroll \{[^}]*overflow-x: auto", phone)
    axis_rule = re.search(r"svg\.chart-axis \{([^}]*)\}", phone)[1]
    plot_rule = re.search(r"svg\.chart-plot \{([^}]*)\}", phone)[1]
    height = re.search(r"height: (\d+px)", axis_rule)[1]
    assert re.search(rf"(?<!-)height: {height}", plot_rule)
    assert "overflow" not in axis_rule
    assert not re.search(r"\.chart-frame \{[^}]*overflow", css)
