"""Bar charts drawn from a figure's own numbers."""

from __future__ import annotations

from decimal import Decimal

from core import charts


def test_bars_scale_to_the_largest_and_skip_what_is_not_a_number() -> None:
    chart = charts.bars([("North", 10), ("South", 5), ("East", None), ("West", Decimal("2.5"))])
    assert [bar.label for bar in chart.bars] == ["North", "South", "West"]
    assert [bar.width for bar in chart.bars] == [50.0, 25.0, 12.5]
    assert chart.bars[1].shown == "5" and chart.bars[2].bar_y > chart.bars[1].bar_y
    assert chart.height == round(3 * charts.ROW_EM + 0.25, 2)


def test_percentages_scale_to_a_hundred_and_an_empty_chart_is_false() -> None:
    chart = charts.bars([("Held", 80)], unit="%")
    assert chart.bars[0].width == 40.0 and chart.bars[0].shown == "80%"
    assert not charts.bars([("Nothing", None)])
