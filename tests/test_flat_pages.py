"""Pages whose cost does not grow with the council: counts bounded or taken with the page, filters and
need-to-know conditions the database can answer from its indexes (docs/performance.md, bench/load.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team, User
from core.pagination import counted_page
from families.models import Family
from families.permissions import families_visible_to
from outbox import views as outbox_views
from outbox.models import OutboxMessage, OutboxStatus
from tests import factories

ClientFor = Callable[[User], Client]


def _messages(count: int, status: str) -> None:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            idempotency_key=f"flat:{status}:{n}",
            template="notice",
            from_email="k@example.gov.uk",
            to=["x@example.gov.uk"],
            subject="s",
            text="t",
            message_id=f"<flat.{status}.{n}@kinfolk>",
            status=status,
        )
        for n in range(count)
    )


def test_a_page_and_its_total_come_from_one_query(db: None, north: Team, alice: User) -> None:
    for _ in range(7):
        factories.make_family(team=north, practitioner=alice)
    with CaptureQueriesContext(connection) as ctx:
        page = counted_page(Family.objects.order_by("case_reference"), "2", 3)
        rows = list(page)
    assert len(ctx.captured_queries) == 1
    assert (len(rows), page.paginator.count, page.paginator.num_pages, page.number) == (3, 7, 3, 2)


def test_a_page_past_the_end_shows_the_last_page_and_an_empty_list_shows_one_empty_page(
    db: None, north: Team, alice: User
) -> None:
    for _ in range(4):
        factories.make_family(team=north, practitioner=alice)
    page = counted_page(Family.objects.order_by("case_reference"), "9", 3)
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 1, 4)
    assert counted_page(Family.objects.none(), "x", 3).paginator.count == 0


def test_the_need_to_know_filter_names_the_users_teams_rather_than_a_subquery(
    db: None, north: Team, south: Team, alice: User, north_family: Family, south_family: Family
) -> None:
    sql = str(families_visible_to(alice).query)
    assert "SELECT" not in sql.split("WHERE", 1)[1]
    assert list(families_visible_to(alice)) == [north_family]


def test_a_manager_sees_the_teams_they_manage_and_belong_to_and_no_other(
    db: None, north: Team, south: Team, north_family: Family, south_family: Family
) -> None:
    other = factories.make_team()
    other_family = factories.make_family(team=other)
    manager = factories.make_user("m@example.gov.uk", roles=(Role.MANAGER,), teams=(north,))
    south.managers.add(manager)
    assert set(families_visible_to(manager)) == {north_family, south_family}
    assert other_family not in families_visible_to(manager)


def test_the_outbox_tabs_count_up_to_a_thousand_and_then_say_so(
    ada: User, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_views, "COUNT_LIMIT", 5)
    _messages(7, OutboxStatus.SENT)
    _messages(2, OutboxStatus.DEAD)
    html = client_for(ada).get(reverse("outbox:outbox_list")).content.decode()
    assert "Sent (5+)" in html and "Failed (2)" in html and "Waiting to send (0)" in html


def test_the_outbox_page_costs_the_same_queries_for_ten_messages_or_a_thousand(
    ada: User, client_for: ClientFor
) -> None:
    client = client_for(ada)
    _messages(10, OutboxStatus.SENT)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("outbox:outbox_list") + "?status=sent")
    _messages(1000, OutboxStatus.DEAD)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("outbox:outbox_list") + "?status=sent")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_user_list_shows_fifty_accounts_a_page_and_every_locked_account(
    ada: User, client_for: ClientFor, alice: User
) -> None:
    for n in range(55):
        factories.make_user(f"zz{n:02d}@example.gov.uk", full_name=f"Zz {n:02d}", mfa=False)
    locked = User.objects.get(email="zz54@example.gov.uk")
    now = timezone.now()
    locked.sign_in_locks.create(locked_until=now + dt.timedelta(minutes=15), failures=5)
    client = client_for(ada)
    first = client.get(reverse("accounts:user_list")).content.decode()
    assert "zz00@example.gov.uk" in first and "zz54@example.gov.uk" in first  # the locked account, in its table
    assert first.count("zz") < 55 * 2
    second = client.get(reverse("accounts:user_list") + "?page=2").content.decode()
    assert "Zz 54" in second


@pytest.mark.postgres
def test_postgresql_searches_names_with_trigram_indexes_and_never_compiles_a_query(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["families_%_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "families_child_first_name_trgm",
        "families_child_last_name_trgm",
        "families_family_name_trgm",
        "families_family_case_reference_trgm",
    }


def test_the_outbox_lists_the_newest_thousand_of_a_status(
    ada: User, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_views, "COUNT_LIMIT", 5)
    _messages(7, OutboxStatus.SENT)
    page = client_for(ada).get(reverse("outbox:outbox_list") + "?status=sent").context["page_obj"]
    assert (len(page.object_list), page.paginator.count) == (5, 5)
