"""Horizontal bar charts drawn as SVG from a figure's own numbers.

A chart repeats its table for sighted readers; the table under it is what assistive
technology reads (the SVG is aria-hidden). Every figures page draws its charts with
`bars()` and the include `includes/_bar_chart.html`, so they look and behave alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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
