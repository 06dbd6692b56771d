"""Need-to-know access to families and care leavers: lists and detail pages follow one rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from families.models import Family
from families.permissions import care_leavers_visible_to, families_visible_to, get_family_for_user
from tests import factories


@pytest.fixture
def borough(north, south, alice, bob, mo, gina, vic, fern, ada, val, olly):
    """Families in both teams, some allocated, some not, one closed."""
    families = [
        factories.make_family(team=north, practitioner=alice),
        factories.make_family(team=north, practitioner=None),
        factories.make_family(team=south, practitioner=bob),
        factories.make_family(team=south, practitioner=alice),  # alice holds one case in another team
        factories.make_family(team=south, practitioner=None),
    ]
    return {"families": families, "users": [alice, bob, mo, gina, vic, fern, ada, val, olly]}


def test_the_list_shows_exactly_the_families_the_detail_rule_allows_for_every_persona(borough) -> None:
    for user in borough["users"]:
        listed = set(families_visible_to(user).values_list("pk", flat=True))
        allowed = {f.pk for f in Family.objects.all() if user.has_perm("families.view_family", f)}
        assert listed == allowed, user.email


def test_a_practitioner_sees_their_teams_families_and_those_allocated_to_them(borough, alice) -> None:
    refs = set(families_visible_to(alice).values_list("case_reference", flat=True))
    fams = borough["families"]
    assert refs == {fams[0].case_reference, fams[1].case_reference, fams[3].case_reference}


def test_a_manager_sees_the_families_of_the_team_they_manage_only(borough, mo) -> None:
    fams = borough["families"]
    assert set(families_visible_to(mo)) == {fams[0], fams[1]}


@pytest.mark.parametrize("persona", ["vic", "fern", "ada", "val", "olly"])
def test_roles_without_case_access_see_no_families(borough, persona, request) -> None:
    user = request.getfixturevalue(persona)
    assert families_visible_to(user).count() == 0


def test_an_inactive_account_sees_nothing(borough, alice) -> None:
    alice.is_active = False
    alice.save()
    assert families_visible_to(alice).count() == 0


def test_a_family_the_user_may_not_see_is_not_found_rather_than_forbidden(south_family, alice) -> None:
    with pytest.raises(Http404):
        get_family_for_user(alice, south_family.pk)


def test_a_team_member_who_is_not_the_allocated_worker_may_read_but_not_change(north, north_family, alice) -> None:
    colleague = factories.make_user("colleague@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,))
    assert get_family_for_user(colleague, north_family.pk) == north_family
    with pytest.raises(PermissionDenied):
        get_family_for_user(colleague, north_family.pk, write=True)
    assert get_family_for_user(alice, north_family.pk, write=True) == north_family


def test_the_manager_of_the_team_may_change_its_families(north_family, mo) -> None:
    assert get_family_for_user(mo, north_family.pk, write=True) == north_family


def test_removing_someone_from_a_team_removes_their_access_at_once(north, north_family, gina) -> None:
    assert families_visible_to(gina).filter(pk=north_family.pk).exists()
    north.members.remove(gina)
    assert not families_visible_to(gina).filter(pk=north_family.pk).exists()


def test_care_leavers_follow_the_personal_adviser_and_team(north, south, alice, bob, north_care_leaver) -> None:
    assert list(care_leavers_visible_to(alice)) == [north_care_leaver]
    assert list(care_leavers_visible_to(bob)) == []
    moved = factories.make_care_leaver(team=south, adviser=alice)
    assert set(care_leavers_visible_to(alice)) == {north_care_leaver, moved}


def test_a_team_managed_on_paper_gives_a_practitioner_nothing_without_the_manager_role(borough, alice, south) -> None:
    # Named as South's manager but holding only the practitioner role: South's families
    # stay out of sight, except the case allocated to them.
    south.managers.add(alice)
    fams = borough["families"]
    assert set(families_visible_to(alice)) == {fams[0], fams[1], fams[3]}
