"""Searching minutes and actions: only what the user may see, terms never in the URL, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from accounts.models import Team, User
from core.models import AuditEvent
from families.models import Family
from supervision import services
from supervision.models import Discipline, SupervisionGroup
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def _minuted(group: SupervisionGroup, family: Family, presenter: User, text: str, *, days_ago: int = 1) -> None:
    session = held_session(group, family, presenter, days_ago=days_ago)
    item = session.items.get()
    services.save_entry(item=item, section="worries", text=text, base_version=0, by=group.coordinator)
    services.add_action(
        item=item, description=f"Follow up: {text}", owner=presenter, due_on=timezone.localdate(), by=group.coordinator
    )


def _search(client: Client, **terms: str) -> object:
    response = client.post("/gcs/search/", terms)
    assert response.status_code == 302
    assert response["Location"] == "/gcs/search/"
    return client.get("/gcs/search/")


def test_words_find_the_minutes_and_actions_of_the_users_groups_and_not_anyone_elses(
    north_group: SupervisionGroup,
    north_family: Family,
    south: Team,
    south_family: Family,
    alice: User,
    bob: User,
    client_for: Callable[[User], Client],
) -> None:
    _minuted(north_group, north_family, alice, "School attendance is falling")
    south_group = gcs.make_group(team=south, coordinator=bob, members={bob: Discipline.SOCIAL_WORKER})
    _minuted(south_group, south_family, bob, "School attendance in the south")
    response = _search(client_for(alice), words="school attendance")
    refs = [entry.item.family.case_reference for entry, _ in response.context["entries"]]  # type: ignore[attr-defined]
    assert refs == [north_family.case_reference]
    assert [a.family_id for a in response.context["actions"]] == [north_family.pk]  # type: ignore[attr-defined]
    assert b"School attendance is falling" in response.content  # type: ignore[attr-defined]
    assert b"in the south" not in response.content  # type: ignore[attr-defined]


def test_search_filters_by_case_reference_owner_and_date(
    north_group: SupervisionGroup,
    north: Team,
    north_family: Family,
    alice: User,
    mo: User,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    from tests import factories

    other = factories.make_family(team=north, practitioner=alice)
    _minuted(north_group, north_family, alice, "Housing", days_ago=40)
    _minuted(north_group, other, mo, "Housing", days_ago=1)
    client = client_for(gina)
    by_ref = _search(client, words="housing", case_reference=other.case_reference)
    assert [a.family_id for a in by_ref.context["actions"]] == [other.pk]  # type: ignore[attr-defined]
    by_owner = _search(client, owner=str(alice.pk))
    assert [a.owner_id for a in by_owner.context["actions"]] == [alice.pk]  # type: ignore[attr-defined]
    recent = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    by_date = _search(client, words="housing", date_from=recent)
    assert [a.family_id for a in by_date.context["actions"]] == [other.pk]  # type: ignore[attr-defined]


def test_search_terms_stay_out_of_the_address_and_the_audit_trail_but_the_results_are_audited(
    north_group: SupervisionGroup, north_family: Family, alice: User, client_for: Callable[[User], Client]
) -> None:
    _minuted(north_group, north_family, alice, "Smith family worries")
    client = client_for(alice)
    response = client.post("/gcs/search/", {"words": "Smith"})
    assert "Smith" not in response["Location"]
    client.get("/gcs/search/")
    event = AuditEvent.objects.filter(object_type="supervision.search").get()
    assert event.actor_id == alice.pk
    assert len(event.detail["entries"]) == 1
    assert "Smith" not in str(event.detail) and "Smith" not in event.path


def test_a_date_range_that_ends_before_it_starts_says_what_to_do(
    north_group: SupervisionGroup, alice: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).post("/gcs/search/", {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert b"Enter a date the same as or after" in response.content
