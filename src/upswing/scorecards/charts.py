"""Trend charts drawn on the server as SVG geometry: no JavaScript, no CDN, works offline.

`trend_chart` turns a series of periods into coordinates; the template only writes them into
an <svg>. Lines: the value, the SLA floor, the KPI target and the baseline (team or program),
with the 95% confidence band behind the value. A period without data is a gap in every line.

The vertical axis is the metric's own range (a share 0–100%, a score its scale, a time or a
count from zero), so a wide interval on a tiny sample never stretches it. A value on fewer
observations than the metric needs to be judged is a hollow point with no band. Each point's
shape says its status (colour is never the only signal), and each point is focusable: hover
or keyboard focus shows its period, value, n and interval (`chart_points.py`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.scorecards.chart_points import Dot, LegendMark, legend_marks, point_dot
from upswing.scorecards.rules import DOMAINS

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 62, 16, 16, 40
LABEL_PAD = 34  # half the widest period label: the plot's SVG reaches this far past each edge


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    label: str  # the period, e.g. 2026-W44
    start: dt.date
    end: dt.date
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    baseline: float | None = None
    sla_floor: float | None = None
    kpi_target: float | None = None
    n: int = 0
    status: str = ""
    status_words: str = ""
    value_text: str = ""
    small: bool = False  # fewer observations than the metric needs to be judged
    interval_text: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """A recorded event, in local days (inclusive); `ends` None: a single day."""

    starts: dt.date
    kind: str
    description: str = ""
    ends: dt.date | None = None
    scope: str = ""  # e.g. "team Claims South"; blank for the whole program

    @property
    def last_day(self) -> dt.date:
        return self.ends or self.starts

    @property
    def text(self) -> str:
        kind = self.kind.replace("_", " ")
        when = self.starts.isoformat()
        if self.last_day != self.starts:
            when += f" to {self.last_day.isoformat()}"
        scope = f" ({self.scope})" if self.scope else ""
        described = f": {self.description}" if self.description else ""
        return f"{kind.capitalize()}{scope}, {when}{described}"


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class Marker:
    """An event across the periods it overlaps: a line at `x` (its first period) and a shaded
    band from `band_x` of width `band_width`; `number` ties it to the list under the chart."""

    x: float
    title: str
    band_x: float = 0.0
    band_width: float = 0.0
    number: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    value_path: str
    band_path: str
    sla_path: str
    target_path: str
    baseline_path: str
    dots: tuple[Dot, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    empty: bool
    legend: tuple[LegendMark, ...] = ()

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.plot_top

    # The chart is drawn as two SVGs sharing one coordinate system: the vertical axis's
    # labels (x from 0 to plot_left), which never scroll, and the plot (from LABEL_PAD before
    # plot_left to LABEL_PAD past the right edge, so a period label centred on the first or
    # last point is whole), which scrolls sideways on a narrow screen. Same height, same y;
    # on a wide screen the CSS lays the plot's left pad under the axis, as one picture.
    @property
    def axis_view(self) -> str:
        return f"0 0 {self.plot_left} {self.height}"

    @property
    def plot_view_left(self) -> int:
        return self.plot_left - LABEL_PAD

    @property
    def plot_view_width(self) -> int:
        return self.width + LABEL_PAD - self.plot_view_left

    @property
    def plot_view(self) -> str:
        return f"{self.plot_view_left} 0 {self.plot_view_width} {self.height}"


def trend_chart(
    points: Sequence[SeriesPoint], unit: str = "", events: Sequence[Event] = ()
) -> Chart:
    low, high = axis_range(points, unit)
    scale = _Scale(len(points), low, high)
    y_ticks = tuple(Tick(scale.y(v), _short(v, unit)) for v in _nice_ticks(low, high))
    dots = tuple(
        point_dot(p, scale.x(i), scale.y(p.value), (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM))
        for i, p in enumerate(points)
        if p.value is not None
    )
    step = max(1, math.ceil(len(points) / 8))
    x_ticks = tuple(
        Tick(scale.x(i), p.label) for i, p in enumerate(points) if (len(points) - 1 - i) % step == 0
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        value_path=_line(points, "value", scale),
        band_path=_band(points, scale),
        sla_path=_line(points, "sla_floor", scale, step=True),
        target_path=_line(points, "kpi_target", scale, step=True),
        baseline_path=_line(points, "baseline", scale),
        dots=dots,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        markers=tuple(_markers(points, events, scale)),
        empty=all(p.value is None for p in points),
        legend=legend_marks(dots),
    )


class _Scale:
    def __init__(self, count: int, low: float, high: float) -> None:
        self.count, self.low, self.high = count, low, high

    def x(self, index: int) -> float:
        span = WIDTH - LEFT - RIGHT
        if self.count <= 1:
            return round(LEFT + span / 2, 1)
        return round(LEFT + span * index / (self.count - 1), 1)

    def y(self, value: float) -> float:
        """A value outside the axis (a bad row, an interval past the scale) sits on its edge."""
        span = HEIGHT - TOP - BOTTOM
        share = (value - self.low) / (self.high - self.low)
        return round(HEIGHT - BOTTOM - span * min(1.0, max(0.0, share)), 1)


def axis_range(points: Sequence[SeriesPoint], unit: str) -> tuple[float, float]:
    """The vertical axis: the unit's whole range when it has one (0–100% for a share, 1–5 for
    a score), else from zero to a round number above the largest value, bound or interval of a
    point with enough observations."""
    low, high = DOMAINS.get(unit, (None, None))
    if low is not None and high is not None:
        return low, high
    values = [
        v
        for p in points
        for v in (p.value, p.baseline, p.sla_floor, p.kpi_target)
        + (() if p.small else (p.ci_low, p.ci_high))
        if v is not None and math.isfinite(v)
    ]
    if low is None:
        low = min([0.0, *values])
    top = max([0.0, *values])
    if top - low < 1e-6:
        return low, low + 1.0
    return low, _nice_top(low, low + (top - low) * 1.05)


def _tick_step(low: float, high: float, count: int = 5) -> float:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _nice_top(low: float, high: float) -> float:
    """The first round tick at or above `high`, so the axis ends on a labelled line."""
    step = _tick_step(low, high)
    return round(math.ceil(high / step - 1e-9) * step, 10)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = _tick_step(low, high, count)
    first = math.ceil(low / step - 1e-9) * step
    last = math.floor(high / step + 1e-9) * step
    return [round(first + k * step, 10) for k in range(round((last - first) / step) + 1)]


def _short(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.1f}"
    return {"%": f"{text}%", "s": f"{text} s"}.get(unit, text)


def _line(points: Sequence[SeriesPoint], attr: str, scale: _Scale, step: bool = False) -> str:
    """A polyline broken at gaps; `step` holds each value until the next period (a bound that
    changes on a date is a step, not a slope)."""
    parts, previous = [], None
    for i, p in enumerate(points):
        value = getattr(p, attr)
        if value is None:
            previous = None
            continue
        if previous is None:
            parts.append(f"M{scale.x(i)},{scale.y(value)}")
        else:
            if step and previous != value:
                parts.append(f"L{scale.x(i)},{scale.y(previous)}")
            parts.append(f"L{scale.x(i)},{scale.y(value)}")
        previous = value
    return " ".join(parts)


def _band(points: Sequence[SeriesPoint], scale: _Scale) -> str:
    """One closed polygon per run of consecutive periods that have an interval."""
    shapes, run = [], []
    for i, p in enumerate([*points, None]):
        if p is not None and not p.small and p.ci_low is not None and p.ci_high is not None:
            run.append((i, p))
            continue
        if run:
            upper = [f"{scale.x(j)},{scale.y(q.ci_high)}" for j, q in run]
            lower = [f"{scale.x(j)},{scale.y(q.ci_low)}" for j, q in reversed(run)]
            if len(run) == 1:  # a lone period: a short bar, still visible
                j, q = run[0]
                x = scale.x(j)
                upper = [f"{x - 3},{scale.y(q.ci_high)}", f"{x + 3},{scale.y(q.ci_high)}"]
                lower = [f"{x + 3},{scale.y(q.ci_low)}", f"{x - 3},{scale.y(q.ci_low)}"]
            shapes.append("M" + " L".join(upper + lower) + " Z")
            run = []
    return " ".join(shapes)


def _markers(points: Sequence[SeriesPoint], events: Sequence[Event], scale: _Scale):
    """One marker per event overlapping the periods shown, numbered in the events' order."""
    half = _half_step(len(points))
    for number, event in enumerate(events, start=1):
        shown = [
            i for i, p in enumerate(points) if p.start <= event.last_day and event.starts <= p.end
        ]
        if not shown:
            continue
        left = max(float(LEFT), scale.x(shown[0]) - half)
        right = min(float(WIDTH - RIGHT), scale.x(shown[-1]) + half)
        yield Marker(
            scale.x(shown[0]),
            f"Event {number}: {event.text}",
            band_x=round(left, 1),
            band_width=round(right - left, 1),
            number=number,
            text=event.text,
        )


def _half_step(count: int) -> float:
    if count <= 1:
        return 12.0
    return (WIDTH - LEFT - RIGHT) / (count - 1) / 2
