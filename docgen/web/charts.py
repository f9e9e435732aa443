"""Chart geometry for the pages' SVG charts (drawn by the templates, so every label is escaped like any other text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["PROGRESS", "Bar", "LineChart", "ProgressRow", "bar_chart", "line_chart", "progress_chart"]

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 48, 24, 16, 48


@dataclass(frozen=True)
class LineChart:
    """A line over time: points with their labels, the y-axis ticks and the plot's box."""

    label: str
    points: list[tuple[float, float, str, int]]  # x, y, date label, value
    ticks: list[tuple[float, int]]  # y, value
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        """The SVG polyline's points."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def line_chart(values: list[tuple[dt.date, int]], *, low: int, high: int, label: str) -> LineChart | None:
    """Values over time on a fixed scale (``low`` to ``high``), spaced by date; None when there is nothing to draw."""
    if not values:
        return None
    first, last = values[0][0], values[-1][0]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    points = [
        (LEFT + (plot_w * (day - first).days / span if len(values) > 1 else plot_w / 2), y(value), day.strftime("%-d %b %Y"), value)
        for day, value in values
    ]
    ticks = [(y(v), v) for v in range(low, high + 1, max(1, (high - low) // 5))]
    return LineChart(label, points, ticks)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value (a percentage) and length in the SVG."""

    label: str
    percent: float | None  # None: nothing was counted
    detail: str
    y: int
    length: float


def bar_chart(rows: list[tuple[str, float | None, str]], *, width: int = 420) -> list[Bar]:
    """Horizontal bars for percentages (0 to 100; None draws no bar), one every 32 pixels."""
    return [
        Bar(label, percent, detail, 8 + 32 * n, width * max(0.0, min(percent or 0.0, 100.0)) / 100)
        for n, (label, percent, detail) in enumerate(rows)
    ]


#: objectives' progress, in the order the bars show it, with the words and the colour class of each
PROGRESS = (
    ("achieved", "Achieved", "app-chart__achieved"),
    ("progressing", "Progressing", "app-chart__progressing"),
    ("not_progressing", "Not progressing", "app-chart__not-progressing"),
    ("no_longer_needed", "No longer needed", "app-chart__no-longer-needed"),
)


@dataclass(frozen=True)
class ProgressRow:
    """One meeting's objectives by progress: a stacked bar of segments (x, width, css class, count, words)."""

    label: str
    y: int
    segments: list[tuple[float, float, str, int, str]]


def progress_chart(meetings: list[tuple[str, dict[str, int]]], *, width: int = 420, left: int = 200) -> list[ProgressRow]:
    """Stacked bars of objectives by progress, one per meeting that recorded any, on one scale (the most objectives)."""
    rows = [(label, counts) for label, counts in meetings if any(counts.get(k) for k, _, _ in PROGRESS)]
    most = max((sum(counts.get(k, 0) for k, _, _ in PROGRESS) for _, counts in rows), default=0)
    out = []
    for n, (label, counts) in enumerate(rows):
        x, segments = float(left), []
        for key, words, css in PROGRESS:
            count = counts.get(key, 0)
            if count:
                segments.append((x, width * count / most, css, count, words))
                x += width * count / most
        out.append(ProgressRow(label, 8 + 32 * n, segments))
    return out
