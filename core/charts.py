"""Horizontal bar charts drawn as SVG from a figure's own numbers, and the figure they draw.

A chart repeats its table for sighted readers; the table under it is what assistive
technology reads (the SVG is aria-hidden). Every figures page draws its charts with
`bars()` and the include `includes/_bar_chart.html`, so they look and behave alike.
A `Figure` is one table (header and rows of plain values) that a page shows with its
chart and offers as CSV (core.exports.csv_response).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Height of one bar of a chart, with its gap, in em.
ROW_EM = 1.6


@dataclass(frozen=True)
class Bar:
    label: str
    width: float  # per cent of the chart's width
    value_x: float
    shown: str
    bar_y: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]

    @property
    def height(self) -> float:
        return round(len(self.bars) * ROW_EM + 0.25, 2)

    def __bool__(self) -> bool:
        return bool(self.bars)


def bars(values: Sequence[tuple[str, object]], *, unit: str = "") -> Chart:
    """A chart of (label, value) pairs; a percentage when `unit` is "%", else scaled to the largest.

    A value that is not a number (None: nothing to show) is left out of the chart; the
    table still shows it.
    """
    drawn = [(label, float(v), v) for label, v in values if isinstance(v, int | float | Decimal)]
    if not drawn:
        return Chart([])
    top = max(v for _, v, _ in drawn) or 1.0
    scale = 100.0 if unit == "%" else top
    return Chart(
        [
            Bar(
                label=label,
                # Bars take half the width, right of the labels, leaving room for the value.
                width=round(50 * v / scale, 1),
                value_x=round(41 + 50 * v / scale, 1),
                shown=f"{raw}{unit}",
                bar_y=round(n * ROW_EM, 2),
                text_y=round(n * ROW_EM + 0.95, 2),
            )
            for n, (label, v, raw) in enumerate(drawn)
        ]
    )


@dataclass
class Figure:
    """One figure: its table, and which column the chart draws (a percentage or a count)."""

    slug: str
    title: str
    description: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart_labels: tuple[int, ...] = (0,)
    chart_value: int = -1
    chart_unit: str = "%"
    # Draw only the rows whose first column is this (the service-wide rows of a long table).
    chart_only: str = ""
    # Leave out of the chart the rows whose first column is this (a total that would dwarf the rest).
    chart_except: str = ""

    @property
    def chart(self) -> Chart:
        """The rows with a number to draw (only the `chart_only` rows when set), as bars."""
        return bars(
            [
                (", ".join(str(r[i]) for i in self.chart_labels), r[self.chart_value])
                for r in self.rows
                if (not self.chart_only or r[0] == self.chart_only)
                and not (self.chart_except and r[0] == self.chart_except)
            ],
            unit=self.chart_unit,
        )
