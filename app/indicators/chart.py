"""The small trend chart of a KPI card as server-rendered SVG geometry.

The template draws what this computes: the measured values as a line with dots, the target as a
horizontal dashed line, and the straight path from baseline to target as a thin dotted line.
Coordinates are in the SVG's own units (``WIDTH`` × ``HEIGHT``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.core.formatting import fmt_date, fmt_hundredths
from app.indicators.progress import Path, Reading

WIDTH = 320
HEIGHT = 150
LEFT = 48  # room for the axis labels
RIGHT = 8
TOP = 10
BOTTOM = 24


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    dots: list[Dot]
    line: str  # the polyline's points
    target_y: float
    plan: tuple[float, float, float, float]  # x1, y1, x2, y2 of the straight path
    axis_top: str
    axis_bottom: str
    start_label: str
    end_label: str
    left: int
    right: int
    bottom: int


def trend_chart(path: Path, values: Sequence[Reading]) -> TrendChart:
    """Scale the values, the target and the path into the chart's box."""
    first = min([path.baseline_on, *(v.measured_on for v in values)])
    last = max([path.target_on, *(v.measured_on for v in values)])
    if last <= first:
        last = date.fromordinal(first.toordinal() + 1)
    highest = max([path.baseline_value, path.target_value, *(v.value for v in values), 1])
    top_value = highest + highest // 10  # a little air above the highest mark
    span_days = (last - first).days
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM

    def x(on: date) -> float:
        return round(LEFT + inner_w * (on - first).days / span_days, 1)

    def y(value: int) -> float:
        return round(TOP + inner_h * (1 - value / top_value), 1)

    dots = [
        Dot(x(v.measured_on), y(v.value), f"{fmt_date(v.measured_on)}: {fmt_hundredths(v.value)}")
        for v in values
    ]
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        dots=dots,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        target_y=y(path.target_value),
        plan=(
            x(path.baseline_on),
            y(path.baseline_value),
            x(max(path.target_on, path.baseline_on)),
            y(path.target_value),
        ),
        axis_top=fmt_hundredths(top_value),
        axis_bottom="0",
        start_label=fmt_date(first),
        end_label=fmt_date(last),
        left=LEFT,
        right=WIDTH - RIGHT,
        bottom=HEIGHT - BOTTOM,
    )
