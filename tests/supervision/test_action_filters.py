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


def test_the_action_tracker_filters_offer_only_the_groups_families_and_owners(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, mo: User, client_for: ClientFor
) -> None:
    discussed = factories.make_family(team=north, practitioner=alice, case_reference="FS-ACT-1")
    factories.make_family(team=north, practitioner=alice, case_reference="FS-NONE-2")
    session = held_session(north_group, discussed, alice, days_ago=7)
    services.add_action(
        item=session.items.get(), description="Call school", owner=alice, due_on=timezone.localdate(), by=gina
    )
    form = client_for(gina).get(f"/gcs/groups/{north_group.pk}/actions/").context["form"]
    assert [f.case_reference for f in form.fields["family"].queryset] == ["FS-ACT-1"]
    assert list(form.fields["owner"].queryset) == [alice]
