"""Geometry for the console's hand-drawn SVG bar charts (no chart library, nothing external)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WIDTH = 560  # the bar area, in SVG units; labels sit left of it
ROW = 12  # height of one bar
GAP = 10  # space between two groups


@dataclass(frozen=True)
class Bar:
    """One bar: its series, value, and where it is drawn."""

    series: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class Group:
    """One labelled row of bars (an article, a handoff reason)."""

    label: str
    y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: its groups, its scale and its height."""

    groups: list[Group]
    maximum: int
    height: float
    ticks: list[tuple[float, int]]


def _ticks(maximum: int) -> list[tuple[float, int]]:
    # Four evenly spaced whole-number gridlines; fewer when the counts are small.
    steps = min(4, maximum) or 1
    values = sorted({round(maximum * i / steps) for i in range(steps + 1)})
    return [(WIDTH * v / maximum if maximum else 0.0, v) for v in values]


def grouped_bars(rows: Sequence[tuple[str, Mapping[str, int]]], series: Sequence[str]) -> Chart:
    """One group per row with a bar per series, all on one scale."""
    maximum = max((int(counts.get(s, 0)) for _, counts in rows for s in series), default=0)
    groups, y = [], 0.0
    for label, counts in rows:
        bars = []
        for index, name in enumerate(series):
            value = int(counts.get(name, 0))
            width = WIDTH * value / maximum if maximum else 0.0
            bars.append(Bar(name, value, y + index * ROW, width))
        groups.append(Group(label, y, bars))
        y += len(series) * ROW + GAP
    return Chart(groups, maximum, max(y, ROW), _ticks(maximum))


def bars(items: Sequence[tuple[str, int]]) -> Chart:
    """One bar per item, on one scale."""
    return grouped_bars([(label, {"value": value}) for label, value in items], ["value"])
