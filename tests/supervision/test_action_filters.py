"""The action tracker's filters offer what the group's actions hold, whatever else the council holds."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from accounts.models import Team, User
from supervision import services
from supervision.models import SupervisionGroup
from tests import factories
from tests.supervision.helpers import held_session

ClientFor = Callable[[User], Client]


def test_the_action_tracker_filters_by_a_typed_case_reference_and_offers_only_the_groups_owners(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, mo: User, client_for: ClientFor
) -> None:
    discussed = factories.make_family(team=north, practitioner=alice, case_reference="FS-ACT-1")
    other = factories.make_family(team=north, practitioner=alice, case_reference="FS-ACT-2")
    for family in (discussed, other):
        session = held_session(north_group, family, alice, days_ago=7)
        services.add_action(
            item=session.items.get(),
            description=f"Call about {family}",
            owner=alice,
            due_on=timezone.localdate(),
            by=gina,
        )
    client = client_for(gina)
    response = client.get(f"/gcs/groups/{north_group.pk}/actions/", {"family": "fs-act-1"})
    assert [a.family for a in response.context["page_obj"]] == [discussed]
    assert list(response.context["form"].fields["owner"].queryset) == [alice]
    assert "<option" not in str(response.context["form"]["family"])


def test_the_action_tracker_shows_twenty_five_actions_a_page_with_the_total(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, client_for: ClientFor
) -> None:
    family = factories.make_family(team=north, practitioner=alice)
    item = held_session(north_group, family, alice, days_ago=7).items.get()
    for n in range(27):
        services.add_action(item=item, description=f"Do {n}", owner=alice, due_on=timezone.localdate(), by=gina)
    response = client_for(gina).get(f"/gcs/groups/{north_group.pk}/actions/", {"page": "2"})
    assert (len(response.context["page_obj"]), response.context["page_obj"].paginator.count) == (2, 27)
