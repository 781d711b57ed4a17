"""The points of a trend chart: a shape per status, hollow on a small sample, and the tooltip
each shows on hover or keyboard focus (drawn in the SVG, shown by CSS: no JavaScript).

Colour is never the only signal: below the SLA floor is a downward triangle, below target a
diamond, on target (or without a target) a circle; a value on too few observations to be
judged is a hollow circle. The legend lists the marks the chart uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

TIP_FONT = 12  # viewBox units; the tooltip's box is sized from its longest line
TIP_CHAR = 6.8
TIP_LINE = 16
TIP_PAD = 8

SHAPES = {"below_sla": "triangle", "below_target": "diamond"}
SHAPE_WORDS = {
    "triangle": "Below SLA floor",
    "diamond": "Below target",
    "circle": "On target or no target",
    "hollow": "Too few to judge: no interval drawn",
}
LEGEND_ORDER = ("circle", "diamond", "triangle", "hollow")


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    status: str
    shape: str  # circle, diamond, triangle or hollow
    d: str  # the mark's outline, an SVG path
    label: str  # what a screen reader says on focus: the tooltip's lines in one sentence
    tip_lines: tuple[str, ...]
    tip_x: float
    tip_y: float
    tip_width: float
    tip_height: float

    @property
    def small(self) -> bool:
        return self.shape == "hollow"

    @property
    def tip_text_x(self) -> float:
        return round(self.tip_x + TIP_PAD, 1)

    @property
    def tip_rows(self) -> tuple[tuple[float, str], ...]:
        """(baseline y, text) of each line of the tooltip."""
        first = self.tip_y + TIP_PAD + TIP_FONT - 2
        return tuple((round(first + i * TIP_LINE, 1), t) for i, t in enumerate(self.tip_lines))

    @property
    def markup(self) -> SafeString:
        """The point as SVG: a focusable group with its ring, its mark and its tooltip.
        Written here, not by the template language: a chart has dozens of points of a dozen
        values each, and the template took a tenth of a dashboard's time to write them."""
        x = self.tip_text_x
        rows = format_html_join(
            "", '<tspan x="{}" y="{}">{}</tspan>', ((x, y, t) for y, t in self.tip_rows)
        )
        return format_html(
            '<g class="pt" tabindex="0" role="img" aria-label="{}">'
            '<circle class="ring" cx="{}" cy="{}" r="11"></circle>'
            '<path class="dot dot-{} status-{}" d="{}"></path>'
            '<g class="tip" aria-hidden="true">'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="4"></rect><text>{}</text></g></g>',
            self.label, self.x, self.y, self.shape, self.status, self.d,
            self.tip_x, self.tip_y, self.tip_width, self.tip_height, rows,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LegendMark:
    shape: str
    d: str  # drawn in a 16 x 16 box
    words: str


def shape_path(shape: str, x: float, y: float) -> str:
    """The outline of a mark centred on (x, y), about 11 units across."""
    if shape == "triangle":
        return f"M{x - 6:.1f},{y - 4.5:.1f} L{x + 6:.1f},{y - 4.5:.1f} L{x:.1f},{y + 6:.1f} Z"
    if shape == "diamond":
        top, right, low, left = f"{y - 6:.1f}", f"{x + 6:.1f}", f"{y + 6:.1f}", f"{x - 6:.1f}"
        return f"M{x:.1f},{top} L{right},{y:.1f} L{x:.1f},{low} L{left},{y:.1f} Z"
    r = 4.5
    return f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"


def tip_lines(point) -> tuple[str, ...]:
    """Period and value; n and the interval; the status in words (a SeriesPoint in)."""
    first = f"{point.label}: {point.value_text}"
    interval = f"95% interval {point.interval_text}" if point.interval_text else "no interval"
    second = f"n = {point.n:,} · {interval}"
    words = point.status_words or ""
    if point.small and "few" not in words.lower():
        words = f"{words} (too few to judge)".strip()
    return (first, second, words) if words else (first, second)


def point_dot(point, x: float, y: float, plot: tuple[float, float, float, float]) -> Dot:
    """The mark for one period's value at (x, y); `plot` is (left, right, top, bottom)."""
    shape = "hollow" if point.small else SHAPES.get(point.status, "circle")
    lines = tip_lines(point)
    width = round(max(len(t) for t in lines) * TIP_CHAR + 2 * TIP_PAD, 1)
    height = len(lines) * TIP_LINE + TIP_PAD
    left, right, top, bottom = plot
    tip_x = min(max(left, x - width / 2), max(left, right - width))
    tip_y = y - height - 10 if y - height - 10 >= top else min(y + 12, bottom - height)
    return Dot(
        x=x,
        y=y,
        status=point.status,
        shape=shape,
        d=shape_path(shape, x, y),
        label=". ".join(lines),
        tip_lines=lines,
        tip_x=round(tip_x, 1),
        tip_y=round(tip_y, 1),
        tip_width=width,
        tip_height=height,
    )


def legend_marks(dots) -> tuple[LegendMark, ...]:
    """One legend entry per kind of mark the chart draws, in a fixed order."""
    used = {dot.shape for dot in dots}
    return tuple(
        LegendMark(shape, shape_path(shape, 8, 8), SHAPE_WORDS[shape])
        for shape in LEGEND_ORDER
        if shape in used
    )
