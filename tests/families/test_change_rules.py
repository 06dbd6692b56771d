"""Who may change a family's record, and the seeing rules for people who hold more than one part."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from accounts.models import Role, Team, User
from families.models import CareLeaver, Family
from families.permissions import (
    can_change_family,
    care_leavers_visible_to,
    families_visible_to,
    get_care_leaver_for_user,
    get_family_for_user,
)
from tests import factories


@pytest.fixture
def sue(north: Team, south: Team) -> User:
    """Manages South; also a member of North, so she sees North's families."""
    user = factories.make_user("sue@example.gov.uk", roles=(Role.MANAGER,), teams=(south, north))
    south.managers.add(user)
    return user


def can_change(client: Client, family: Family) -> bool:
    response = client.get(f"/families/{family.pk}/")
    assert response.status_code == 200
    return bool(response.context["can_change"])


def test_a_manager_who_sees_a_family_but_does_not_manage_its_team_may_not_change_it(
    sue: User, north_family: Family, south_family: Family, client_for: Callable[[User], Client]
) -> None:
    assert get_family_for_user(sue, north_family.pk) == north_family
    with pytest.raises(PermissionDenied):
        get_family_for_user(sue, north_family.pk, write=True)
    assert get_family_for_user(sue, south_family.pk, write=True) == south_family
    client = client_for(sue)
    assert not can_change(client, north_family)
    assert can_change(client, south_family)


def test_the_family_page_offers_changes_to_the_allocated_practitioner_and_the_teams_manager_only(
    north: Team, north_family: Family, alice: User, mo: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    assert can_change(client_for(alice), north_family)
    assert can_change(client_for(mo), north_family)
    assert not can_change(client_for(gina), north_family)


def test_a_gcs_coordinator_named_as_a_familys_worker_may_read_it_but_not_change_it(south: Team, gina: User) -> None:
    family = factories.make_family(team=south, practitioner=gina)
    assert get_family_for_user(gina, family.pk) == family
    with pytest.raises(PermissionDenied):
        get_family_for_user(gina, family.pk, write=True)


def test_a_manager_who_also_practises_sees_and_changes_both_what_they_hold_and_what_they_manage(
    north: Team, south: Team
) -> None:
    both = factories.make_user("both@example.gov.uk", roles=(Role.PRACTITIONER, Role.MANAGER))
    south.managers.add(both)
    held = factories.make_family(team=north, practitioner=both)
    managed = factories.make_family(team=south)
    factories.make_family(team=north)  # neither held nor managed
    assert set(families_visible_to(both)) == {held, managed}
    assert get_family_for_user(both, held.pk, write=True) == held
    assert get_family_for_user(both, managed.pk, write=True) == managed


def test_a_manager_allocated_a_family_of_a_team_they_neither_manage_nor_belong_to_does_not_see_it(
    south: Team, mo: User
) -> None:
    # Only practitioners and GCS coordinators hold cases; a manager's rights come from teams.
    family = factories.make_family(team=south, practitioner=mo)
    with pytest.raises(Http404):
        get_family_for_user(mo, family.pk)


def test_an_inactive_allocated_practitioner_may_neither_see_nor_change(
    north_family: Family, north_care_leaver: CareLeaver, alice: User
) -> None:
    alice.is_active = False
    alice.save()
    assert not alice.has_perm("families.change_family", north_family)
    assert not alice.has_perm("families.view_family", north_family)
    assert list(care_leavers_visible_to(alice)) == []


def test_no_family_permission_holds_without_a_record(north_family: Family, mo: User) -> None:
    for perm in ("families.view_family", "families.change_family", "families.view_careleaver"):
        assert not mo.has_perm(perm), perm


def test_a_care_leaver_is_reached_by_the_adviser_and_the_teams_manager_and_not_found_by_others(
    north_care_leaver: CareLeaver, alice: User, mo: User, bob: User, ada: User
) -> None:
    assert get_care_leaver_for_user(alice, north_care_leaver.pk) == north_care_leaver
    assert get_care_leaver_for_user(mo, north_care_leaver.pk) == north_care_leaver
    assert mo.has_perm("families.view_careleaver", north_care_leaver)
    for outsider in (bob, ada):
        assert not outsider.has_perm("families.view_careleaver", north_care_leaver)
        with pytest.raises(Http404):
            get_care_leaver_for_user(outsider, north_care_leaver.pk)


def test_someone_still_listed_as_a_teams_manager_after_losing_the_role_may_not_change_its_families(
    north: Team, north_family: Family
) -> None:
    former = factories.make_user("former@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,))
    north.managers.add(former)
    assert get_family_for_user(former, north_family.pk) == north_family
    with pytest.raises(PermissionDenied):
        get_family_for_user(former, north_family.pk, write=True)


def test_the_change_rule_on_its_own_refuses_an_inactive_account_and_a_missing_family(
    north_family: Family, alice: User
) -> None:
    # families.change_family also asks the view rule; the change rule must hold without it.
    assert can_change_family(alice, north_family)
    assert not can_change_family(alice, None)
    alice.is_active = False
    assert not can_change_family(alice, north_family)
