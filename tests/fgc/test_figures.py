"""FGC figures: each one's numbers on a caseload worked out by hand, the CSV and its audit, who sees them, queries."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from core.models import AuditAction, AuditEvent
from fgc.figures import all_figures
from fgc.permissions import FiguresScope
from tests import factories
from tests.fgc.figures_helpers import Caseload, build_caseload, financial_year, one_referral


@pytest.fixture
def caseload(north: Team, south: Team, alice: User, bob: User, fern: User) -> Caseload:
    return build_caseload(north=north, south=south, alice=alice, bob=bob, fern=fern)


def rows(response: Any, slug: str) -> list[list[Any]]:
    return next(f.rows for f in response.context["figures"] if f.slug == slug)


def pot_name() -> str:
    year = financial_year(timezone.localdate())
    return f"Family Network Support Packages {year}–{(year + 1) % 100:02d}"


@pytest.fixture
def service(caseload: Caseload, fay: User, client_for: Callable[[User], Client]) -> Any:
    """The FGC manager's page for the last 12 months: the whole service."""
    response = client_for(fay).get("/fgc/figures/")
    assert response.status_code == 200
    return response


def test_referrals_received_in_the_period_are_counted_by_reason(service: Any) -> None:
    # r5 (400 days ago) is outside the year; r4 is the one declined.
    assert rows(service, "reasons") == [
        ["Initial Child Protection Conference", 2, 33, 0],
        ["Pre-proceedings (PLO)", 1, 17, 0],
        ["Care order being considered", 1, 17, 0],
        ["Early help", 1, 17, 1],
        ["Reunification", 0, 0, 0],
        ["Lifelong Links (a child in care)", 0, 0, 0],
        ["Other", 1, 17, 0],
        ["All reasons", 6, 100, 1],
    ]


def test_a_shorter_period_leaves_out_older_referrals(
    caseload: Caseload, fay: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(fay).get("/fgc/figures/?months=3")
    # r7 (150 days ago) drops out.
    assert rows(response, "reasons")[0] == ["Initial Child Protection Conference", 2, 40, 0]
    assert rows(response, "reasons")[-1] == ["All reasons", 5, 100, 1]
    assert rows(response, "reasons")[-2] == ["Other", 0, 0, 0]
    assert '<option value="3" selected>' in response.content.decode()
    assert 'href="/fgc/figures/reasons.csv?months=3"' in response.content.decode()


def test_the_days_between_steps_are_medians_of_the_referrals_reaching_each(service: Any) -> None:
    assert rows(service, "days") == [
        # Six referrals received in the year.
        ["Referred", 6, None, None],
        # r1 2 days, r2 1, r3 0, r6 1.
        ["Allocated", 4, 1, 1],
        # r1 4 after allocation (6 after referral), r2 4 (5), r3 urgent: its conference, 1 (1); r6's is still ahead.
        ["First meeting", 3, 4, 5],
        # r1 24 after the first meeting (30), r2 5 (10; its cancelled conference does not count), r3 0 (1).
        ["Conference held", 3, 5, 10],
        # r1 reviewed 25 days after its conference, 55 after the referral.
        ["Review held", 1, 25, 55],
    ]


def test_conferences_are_counted_before_or_not_before_the_date_they_had_to_precede(service: Any) -> None:
    assert rows(service, "before-date") == [
        # r1 held 5 days before its ICPC, r3 1 day before.
        ["ICPC date", 2, 2, 100],
        # r2 held on the day of the hearing: not before it.
        ["Court hearing", 1, 0, 0],
        ["Other deadline", 0, 0, None],
        ["All dates", 3, 2, 67],
    ]


def test_each_child_counts_once_by_how_they_took_part(service: Any) -> None:
    assert rows(service, "participation") == [
        # r1's first child was there (the ambassador also speaking for them does not count twice).
        ["In person", 1, 20],
        ["Through an FGC Ambassador", 1, 20],
        # r2's child wanted to attend but only their views reached the conference.
        ["Views only", 1, 20],
        # r3's two children: one with nothing said, one with no views recorded.
        ["Did not take part", 2, 40],
        ["All children", 5, 100],
    ]


def test_plans_are_counted_by_the_referrers_decision(service: Any) -> None:
    assert rows(service, "plans") == [
        ["Agreed", 1, 33, 1],
        ["More time needed", 1, 33, 1],
        ["Not agreed", 1, 33, 0],
        ["All plans", 3, 100, 2],
    ]


def test_spend_is_what_is_approved_and_paid_against_this_years_pot(service: Any) -> None:
    # Approved: £100 x 3 and £100; paid £150 of £200; awaiting £50; the refusal and the old pot do not count.
    assert rows(service, "spend") == [
        [pot_name(), Decimal("1000.00"), Decimal("400.00"), Decimal("150.00"), 55, Decimal("50.00")]
    ]


def test_outcomes_recorded_in_the_period_are_counted_at_6_and_12_months(service: Any) -> None:
    assert rows(service, "outcomes") == [
        ["6 months", "Living at home", 1, 50],
        ["6 months", "Living with the family network", 1, 50],
        ["6 months", "Looked after", 0, 0],
        ["6 months", "Other", 0, 0],
        ["12 months", "Living at home", 0, 0],
        ["12 months", "Living with the family network", 0, 0],
        ["12 months", "Looked after", 1, 100],
        ["12 months", "Other", 0, 0],
    ]


def test_the_page_draws_each_figure_with_its_table_and_csv_link(service: Any) -> None:
    page = service.content.decode()
    for slug in ("reasons", "days", "before-date", "participation", "plans", "spend", "outcomes"):
        assert f'aria-labelledby="figure-{slug}"' in page
        assert f'href="/fgc/figures/{slug}.csv?months=12"' in page
    assert page.count('class="kf-chart"') == 7
    assert page.count('class="kf-table-scroll" role="region"') == 7
    # Totals are in the table, not drawn as bars beside the rows they add up.
    reasons = next(f for f in service.context["figures"] if f.slug == "reasons")
    assert [bar.label for bar in reasons.chart.bars][-1] == "Other"


def test_a_coordinator_sees_the_figures_of_their_own_allocations_only(
    caseload: Caseload, fern: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(fern).get("/fgc/figures/")
    assert response.status_code == 200
    assert "referrals allocated to you" in response.content.decode()
    # fern holds r1, r3 and r6 in the year (r2 is finn's; r4 and r7 have no coordinator).
    assert rows(response, "reasons")[0] == ["Initial Child Protection Conference", 2, 67, 0]
    assert rows(response, "reasons")[-1] == ["All reasons", 3, 100, 0]
    assert rows(response, "days") == [
        ["Referred", 3, None, None],
        ["Allocated", 3, 1, 1],
        ["First meeting", 2, 2.5, 3.5],
        ["Conference held", 2, 12, 15.5],
        ["Review held", 1, 25, 55],
    ]
    assert rows(response, "before-date")[-1] == ["All dates", 2, 2, 100]
    assert rows(response, "participation") == [
        ["In person", 1, 25],
        ["Through an FGC Ambassador", 1, 25],
        ["Views only", 0, 0],
        ["Did not take part", 2, 50],
        ["All children", 4, 100],
    ]
    assert rows(response, "plans")[-1] == ["All plans", 2, 100, 1]
    # Only r1's packages: £300 approved, £150 paid, £50 awaiting, against the whole pot.
    assert rows(response, "spend") == [
        [pot_name(), Decimal("1000.00"), Decimal("300.00"), Decimal("150.00"), 45, Decimal("50.00")]
    ]
    assert rows(response, "outcomes")[-2] == ["12 months", "Looked after", 0, None]


def test_each_figure_downloads_as_csv_and_the_export_is_audited(
    caseload: Caseload, fay: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(fay).get("/fgc/figures/plans.csv?months=6")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="fgc-plans-{timezone.localdate():%Y-%m-%d}.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert table == [
        ["Referrer's decision", "Plans", "Share (%)", "Bottom lines met"],
        ["Agreed", "1", "33", "1"],
        ["More time needed", "1", "33", "1"],
        ["Not agreed", "1", "33", "0"],
        ["All plans", "3", "100", "2"],
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.object_type, event.object_id, event.actor_id) == ("fgc.figures", "plans", fay.pk)
    assert event.detail == {"export": "plans", "months": "6", "scope": "service"}

    spend = client_for(fay).get("/fgc/figures/spend.csv")
    assert list(csv.reader(io.StringIO(spend.content.decode().lstrip("\ufeff"))))[1] == [
        pot_name(),
        "1000.00",
        "400.00",
        "150.00",
        "55",
        "50.00",
    ]


def test_a_coordinators_export_is_audited_as_their_own(
    caseload: Caseload, fern: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(fern).get("/fgc/figures/reasons.csv")
    table = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert table[-1] == ["All reasons", "3", "100", "0"]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail == {
        "export": "reasons",
        "months": "12",
        "scope": "own",
    }


def test_an_unknown_figure_or_period_is_not_exported(
    caseload: Caseload, fay: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(fay).get("/fgc/figures/nonsense.csv").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    # A period that is not offered falls back to the year.
    response = client_for(fay).get("/fgc/figures/reasons.csv?months=99")
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["months"] == "12"
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["alice", "bob", "mo", "gina", "vic", "ada", "olly"])
def test_nobody_else_sees_the_figures(
    persona: str, request: pytest.FixtureRequest, caseload: Caseload, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/fgc/figures/").status_code == 404
    assert client.get("/fgc/figures/reasons.csv").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_figures_are_in_the_navigation_of_the_fgc_manager_and_coordinators_only(
    caseload: Caseload, fay: User, fern: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    assert 'href="/fgc/figures/"' in client_for(fay).get("/").content.decode()
    assert 'href="/fgc/figures/"' in client_for(fern).get("/").content.decode()
    assert 'href="/fgc/figures/"' not in client_for(alice).get("/").content.decode()


def test_each_figure_is_one_query_however_many_referrals(
    north: Team, south: Team, alice: User, bob: User, fern: User, fay: User
) -> None:
    family = factories.make_family(team=north, practitioner=alice)
    one_referral(family=family, referrer=alice, coordinator=fern)

    def count(scope: FiguresScope) -> int:
        with CaptureQueriesContext(connection) as ctx:
            all_figures(scope, months=12)
        return len(ctx.captured_queries)

    assert count(FiguresScope()) == 7
    assert count(FiguresScope(coordinator_id=fern.pk)) == 7
    build_caseload(north=north, south=south, alice=alice, bob=bob, fern=fern)
    assert count(FiguresScope()) == 7
    assert count(FiguresScope(coordinator_id=fern.pk)) == 7


def test_the_page_takes_the_same_number_of_queries_for_one_referral_as_for_many(
    north: Team,
    south: Team,
    alice: User,
    bob: User,
    fern: User,
    fay: User,
    client_for: Callable[[User], Client],
    django_assert_num_queries: Any,
) -> None:
    family = factories.make_family(team=north, practitioner=alice)
    one_referral(family=family, referrer=alice, coordinator=fern)
    client = client_for(fay)
    client.get("/fgc/figures/")  # the session settles on the first request
    with CaptureQueriesContext(connection) as one:
        assert client.get("/fgc/figures/").status_code == 200
    build_caseload(north=north, south=south, alice=alice, bob=bob, fern=fern)
    for n in range(5):
        one_referral(
            family=factories.make_family(team=south, practitioner=bob, case_reference=f"FS-2026-9{n:03d}"),
            referrer=bob,
            coordinator=fern,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/fgc/figures/")
    assert rows(response, "reasons")[-1][1] == 12
