"""The group page's "add a member" is a search, and its "families due" a count: neither grows with the council."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, Team, User
from families.models import Family
from supervision import selectors
from supervision.forms import MEMBER_SEARCH_RESULTS
from supervision.models import SupervisionGroup
from tests import factories
from tests.browser import assert_accessible, log_in
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def _practitioners(count: int, *, name: str = "Candidate", start: int = 0) -> list[User]:
    return [
        factories.make_user(f"{name.lower()}{n}@example.gov.uk", full_name=f"{name} {n}", roles=(Role.PRACTITIONER,))
        for n in range(start, start + count)
    ]


def _queries(client: Client, url: str, **headers: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_group_page_lists_nobody_to_add_until_the_coordinator_searches(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    _practitioners(3)
    html = client_for(gina).get(f"/gcs/groups/{north_group.pk}/").content.decode()
    assert 'name="person"' in html
    assert "candidate0@example.gov.uk" not in html
    assert 'name="user"' not in html


def test_a_search_finds_people_by_name_or_email_who_are_not_yet_members(
    north_group: SupervisionGroup, gina: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    _practitioners(2)
    outsider = factories.make_user("kim@example.gov.uk", full_name="Kim Candidate", roles=(Role.VOLUNTEER,))
    client = client_for(gina)
    html = client.get(f"/gcs/groups/{north_group.pk}/", {"person": "candidate"}).content.decode()
    assert "candidate0@example.gov.uk" in html and "candidate1@example.gov.uk" in html
    assert outsider.email not in html  # no GCS role
    html = client.get(f"/gcs/groups/{north_group.pk}/", {"person": alice.email}).content.decode()
    assert "No one found" in html  # already a member


def test_a_person_found_by_the_search_is_added_to_the_group(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    (person,) = _practitioners(1, name="Robin")
    client = client_for(gina)
    assert f'value="{person.pk}"' in client.get(f"/gcs/groups/{north_group.pk}/", {"person": "robin"}).content.decode()
    response = client.post(
        f"/gcs/groups/{north_group.pk}/members/add/", {"user": person.pk, "discipline": "social_worker"}
    )
    assert response.status_code == 302
    assert north_group.members.filter(user=person, discipline="social_worker").exists()


def test_a_search_shows_at_most_twenty_people_and_says_there_are_more(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    _practitioners(MEMBER_SEARCH_RESULTS + 2)
    html = client_for(gina).get(f"/gcs/groups/{north_group.pk}/", {"person": "candidate"}).content.decode()
    assert html.count('name="user"') == MEMBER_SEARCH_RESULTS
    assert "type more of the name" in html


def test_htmx_gets_only_the_results_as_the_name_is_typed(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    _practitioners(1)
    response = client_for(gina).get(
        f"/gcs/groups/{north_group.pk}/", {"person": "cand"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="member-results"')
    assert "candidate0@example.gov.uk" in html and "<h1" not in html


def test_a_member_who_does_not_manage_the_group_gets_the_whole_page_and_no_picker(
    north_group: SupervisionGroup, alice: User, client_for: Callable[[User], Client]
) -> None:
    _practitioners(1)
    response = client_for(alice).get(
        f"/gcs/groups/{north_group.pk}/", {"person": "cand"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<h1" in html and "candidate0@example.gov.uk" not in html and 'name="person"' not in html


def test_the_group_page_and_a_search_cost_the_same_queries_for_three_or_thirty_gcs_users(
    north_group: SupervisionGroup, north: Team, gina: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(gina)
    urls = [f"/gcs/groups/{north_group.pk}/", f"/gcs/groups/{north_group.pk}/?person=candidate"]
    _practitioners(3)
    factories.make_family(team=north, practitioner=alice)
    small = [_queries(client, url)[0] for url in urls]
    _practitioners(27, name="Other")
    _practitioners(27, start=3)
    for _ in range(20):
        factories.make_family(team=north, practitioner=alice)
    large = [_queries(client, url)[0] for url in urls]
    assert large == small


@pytest.mark.parametrize("days_ago, due", [(None, True), (10, False), (40, True)])
def test_families_due_counts_the_families_not_discussed_within_the_interval(
    north_group: SupervisionGroup, north: Team, alice: User, days_ago: int | None, due: bool
) -> None:
    family = factories.make_family(team=north, practitioner=alice)
    if days_ago is not None:
        held_session(north_group, family, alice, days_ago=days_ago)
    rows = selectors.families_due(group=north_group)
    assert (family in [r.family for r in rows]) is due
    assert selectors.families_due_count(group=north_group) == len(rows)


def test_families_due_puts_never_discussed_first_then_the_longest_ago_with_when_they_were_last_discussed(
    north_group: SupervisionGroup, north: Team, alice: User
) -> None:
    Family.objects.filter(team=north).update(closed_on=timezone.localdate())
    recent, old, never = (factories.make_family(team=north, practitioner=alice) for _ in range(3))
    held_session(north_group, recent, alice, days_ago=35)
    held_session(north_group, old, alice, days_ago=70)
    held_session(north_group, old, alice, days_ago=100)
    rows = selectors.families_due(group=north_group)
    assert [r.family for r in rows] == [never, old, recent]
    assert [r.days_since for r in rows][1:] in ([70, 35], [69, 35], [70, 34], [69, 34])  # a session's local date
    assert rows[0].last_discussed is None


def test_families_due_for_a_session_leaves_out_those_on_its_agenda(
    north_group: SupervisionGroup, north: Team, alice: User
) -> None:
    session = gcs.make_session(group=north_group)
    on_agenda, waiting = (factories.make_family(team=north, practitioner=alice) for _ in range(2))
    gcs.add_item(session, on_agenda, alice)
    families = [r.family for r in selectors.families_due(group=north_group, session=session)]
    assert waiting in families and on_agenda not in families
    assert isinstance(session.start, dt.datetime)


def test_the_add_a_family_page_lists_the_thirty_waiting_longest_and_offers_to_add_them_all(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    session = gcs.make_session(group=north_group)
    for _ in range(32):
        factories.make_family(team=north, practitioner=alice)
    total = selectors.families_due_count(group=north_group)
    response = client_for(gina).get(f"/gcs/sessions/{session.pk}/agenda/add/")
    assert len(response.context["due"]) == 30
    assert f"Add all {total} to the agenda" in response.content.decode()


def test_the_add_a_family_page_lists_the_same_families_in_the_same_order_as_families_due(
    north_group: SupervisionGroup, north: Team, alice: User
) -> None:
    session = gcs.make_session(group=north_group, day=gcs.working_day_from_today(14))
    families = [factories.make_family(team=north, practitioner=alice) for _ in range(5)]
    held_session(north_group, families[0], alice, days_ago=35)
    held_session(north_group, families[1], alice, days_ago=70)
    held_session(north_group, families[2], alice, days_ago=3)  # discussed recently: not due
    gcs.add_item(session, families[3], alice)  # on this agenda: not due
    expected = selectors.families_due(group=north_group, session=session)
    rows, total = selectors.families_due_page(group=north_group, session=session, limit=30)
    assert [(r.family, r.last_discussed) for r in rows] == [(r.family, r.last_discussed) for r in expected]
    assert total == len(expected)
    assert families[2] not in [r.family for r in rows] and families[3] not in [r.family for r in rows]
    assert [r.family for r in rows][-2:] == [families[1], families[0]]  # then the longest ago first
    short, total_again = selectors.families_due_page(group=north_group, session=session, limit=2)
    assert [r.family for r in short] == [r.family for r in expected[:2]] and total_again == total


def test_the_add_a_family_page_costs_the_same_queries_whatever_the_team_size(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User
) -> None:
    session = gcs.make_session(group=north_group)
    client = Client()
    assert factories.sign_in(client, gina).status_code == 302
    url = f"/gcs/sessions/{session.pk}/agenda/add/"
    small, _ = _queries(client, url)
    for n in range(40):
        family = factories.make_family(team=north, practitioner=alice)
        if n % 4 == 0:
            held_session(north_group, family, alice, days_ago=40 + n)
    large, page = _queries(client, url)
    assert large == small
    assert "<option" not in page.split('id="id_family"')[0].rsplit("<form", 1)[-1]  # a typed reference, no list


def test_a_family_is_added_by_its_typed_case_reference_and_a_wrong_one_says_why(
    north_group: SupervisionGroup,
    north: Team,
    south: Team,
    alice: User,
    gina: User,
) -> None:
    session = gcs.make_session(group=north_group)
    family = factories.make_family(team=north, practitioner=alice)
    elsewhere = factories.make_family(team=south)
    client = Client()
    assert factories.sign_in(client, gina).status_code == 302
    url = f"/gcs/sessions/{session.pk}/agenda/add/"
    data = {"presenter": alice.pk, "duration_minutes": 20}
    page = client.post(url, {**data, "family": elsewhere.case_reference}).content.decode()
    assert f"There is no open family of {north.name} with the case reference {elsewhere.case_reference}" in page
    assert client.post(url, {**data, "family": ""}).content.decode().count("Enter the case reference") >= 1
    assert not session.items.exists()
    response = client.post(url, {**data, "family": f" {family.case_reference.lower()} "})
    assert response.status_code == 302 and session.items.get().family == family
    again = client.post(url, {**data, "family": family.case_reference}).content.decode()
    assert f"{family.case_reference} is already on this session&#x27;s agenda" in again
    assert session.items.count() == 1
    # "Choose" beside a family due fills its reference in; another team's id fills in nothing.
    chosen = client.get(url + f"?family={family.pk}").content.decode()
    assert f'value="{family.case_reference}"' in chosen
    assert elsewhere.case_reference not in client.get(url + f"?family={elsewhere.pk}").content.decode()


@pytest.mark.browser
def test_the_coordinator_finds_a_person_as_they_type_and_adds_them(
    browser_page: Any, live_server: Any, north_group: SupervisionGroup, gina: User
) -> None:
    (person,) = _practitioners(1, name="Robin")
    page = browser_page
    log_in(page, live_server.url, gina)
    page.goto(f"{live_server.url}/gcs/groups/{north_group.pk}/")
    page.get_by_label("Find a person by name or email address").press_sequentially("rob")
    page.get_by_label(f"Robin 0 ({person.email})").check()  # swapped in by htmx, no page load
    assert page.url.endswith(f"/gcs/groups/{north_group.pk}/")
    assert_accessible(page)
    page.get_by_label("Discipline", exact=True).select_option("social_worker")
    page.get_by_role("button", name="Add member").click()
    assert f"{person.full_name} added" in page.locator(".govuk-notification-banner--success").inner_text()
    assert north_group.members.filter(user=person).exists()
