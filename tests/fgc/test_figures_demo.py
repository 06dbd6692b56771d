"""The FGC demo gives every figure something to show, and its past referrals are built once."""

from __future__ import annotations

import pytest
from django.apps import apps

from families.demo import build_demo_borough
from fgc.figures import all_figures
from fgc.models import Outcome, Referral
from fgc.permissions import FiguresScope


@pytest.mark.django_db
def test_the_demo_gives_every_fgc_figure_numbers_and_can_run_twice() -> None:
    build_demo_borough()
    fgc = apps.get_app_config("fgc")
    fgc.build_demo()  # type: ignore[attr-defined]
    referrals = Referral.objects.count()
    by_slug = {figure.slug: figure for figure in all_figures(FiguresScope(), months=12)}

    def total(slug: str, column: int = 1) -> int:
        return sum(row[column] or 0 for row in by_slug[slug].rows if not str(row[0]).startswith("All"))

    assert total("reasons") >= 9
    days = {row[0]: row for row in by_slug["days"].rows}
    # Held: the history's three, the held demo conference and the stages demo's one at its review;
    # reviewed: a history and the stages one (the closed one ran its course more than 12 months ago).
    assert days["Conference held"][1] == 5 and days["Review held"][1] == 2
    # Every step takes time, and none comes before the referral.
    assert all(row[2] >= 0 and row[3] > 0 for row in by_slug["days"].rows[1:])
    before = {row[0]: row[1:] for row in by_slug["before-date"].rows}
    assert before["All dates"][:2] == [4, 3]
    assert total("participation") >= 3 and by_slug["participation"].rows[0][1] == 1
    assert total("plans") == 5
    [pot] = by_slug["spend"].rows
    assert pot[3] > 0 and pot[5] > 0  # paid, and awaiting approval
    assert total("outcomes", 2) == 5
    assert all(figure.chart for figure in by_slug.values())

    outcomes = Outcome.objects.count()
    fgc.build_demo()  # type: ignore[attr-defined]
    assert (Referral.objects.count(), Outcome.objects.count()) == (referrals, outcomes)
