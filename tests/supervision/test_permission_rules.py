"""Each GCS permission rule, person by person: who sees, manages, minutes, approves, uploads and deletes.

The North group here keeps its roles apart: gina coordinates, tom (a North
practitioner, not a member) takes the minutes, mo chairs and manages the North
team, alice presents, sam is a partner-agency member and sue, who manages the
South team, sits in as a member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.utils import timezone

from accounts.models import Role, Team, User
from families.models import Family
from supervision import permissions, services
from supervision.models import Discipline, Paper, SupervisionGroup, SupervisionSession
from supervision.permissions import GroupRights, rights_for
from tests import factories
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision import factories as gcs


@pytest.fixture
def tom(north: Team) -> User:
    return factories.make_user(
        "tom@example.gov.uk", full_name="Tom Minutes", roles=(Role.PRACTITIONER,), teams=(north,)
    )


@pytest.fixture
def sue(south: Team) -> User:
    user = factories.make_user("sue@example.gov.uk", full_name="Sue South", roles=(Role.MANAGER,), teams=(south,))
    south.managers.add(user)
    return user


@pytest.fixture
def group(north: Team, gina: User, tom: User, alice: User, mo: User, sam: User, sue: User) -> SupervisionGroup:
    return gcs.make_group(
        team=north,
        coordinator=gina,
        minute_taker=tom,
        members={
            alice: Discipline.SOCIAL_WORKER,
            mo: Discipline.CHAIR,
            sam: Discipline.ADULT_MENTAL_HEALTH,
            sue: Discipline.MANAGER,
        },
    )


@pytest.fixture
def session(group: SupervisionGroup) -> SupervisionSession:
    return gcs.make_session(group=group)


@pytest.fixture
def item(session: SupervisionSession, north_family: Family, alice: User):
    return gcs.add_item(session, north_family, alice)


def fresh(user: User) -> User:
    """The user as a new request loads them: no rights worked out yet."""
    return User.objects.get(pk=user.pk)


# Spelled out rather than GroupRights(), so a changed default would show.
NOTHING = GroupRights(view=False, manage=False, minutes=False, approve=False, discipline="")


def test_each_person_has_exactly_the_rights_of_their_part_in_the_group(
    group: SupervisionGroup,
    gina: User,
    tom: User,
    mo: User,
    alice: User,
    sam: User,
    sue: User,
    bob: User,
    ada: User,
    val: User,
    olly: User,
) -> None:
    expected = {
        gina: GroupRights(view=True, manage=True, minutes=True),
        tom: GroupRights(view=True, minutes=True),
        mo: GroupRights(view=True, manage=True, minutes=True, approve=True, discipline="chair"),
        alice: GroupRights(view=True, discipline="social_worker"),
        sam: GroupRights(view=True, discipline="adult_mental_health"),
        # A manager, but of another team: a member like any other.
        sue: GroupRights(view=True, discipline="manager"),
        bob: NOTHING,
        ada: NOTHING,
        val: NOTHING,
        olly: NOTHING,
    }
    assert {user.email: rights_for(fresh(user), group) for user in expected} == {
        user.email: rights for user, rights in expected.items()
    }
    # The registered permissions say the same.
    for user, rights in expected.items():
        assert [
            fresh(user).has_perm(f"supervision.{perm}", group)
            for perm in ("view_group", "manage_group", "write_minutes", "approve_minutes")
        ] == [rights.view, rights.manage, rights.minutes, rights.approve], user.email
    assert [user.email for user in expected if rights_for(fresh(user), group).is_member] == [
        mo.email,
        alice.email,
        sam.email,
        sue.email,
    ]


def test_the_groups_a_person_sees_follow_the_same_rights(
    group: SupervisionGroup, gina: User, tom: User, mo: User, alice: User, sue: User, bob: User, ada: User
) -> None:
    south_group = gcs.make_group(team=factories.make_team("Leaving Care"), coordinator=gina)
    for user, visible in [
        (gina, {group, south_group}),
        (tom, {group}),
        (mo, {group}),
        (alice, {group}),
        (sue, {group}),
        (bob, set()),
        (ada, set()),
    ]:
        assert set(permissions.groups_visible_to(user)) == visible, user.email


def test_a_manager_who_manages_the_team_sees_its_groups_without_being_a_member(
    north: Team, gina: User, mo: User
) -> None:
    group = gcs.make_group(team=north, coordinator=gina)
    assert list(permissions.groups_visible_to(mo)) == [group]
    assert rights_for(fresh(mo), group) == GroupRights(view=True, manage=True)


def test_a_manager_of_another_team_gets_no_manage_rights_by_being_a_member(
    group: SupervisionGroup, session: SupervisionSession, sue: User, client_for: Callable[[User], Client]
) -> None:
    assert permissions.get_group_for_user(sue, group.pk) == group
    with pytest.raises(PermissionDenied):
        permissions.get_group_for_user(fresh(sue), group.pk, manage=True)
    with pytest.raises(PermissionDenied):
        permissions.get_session_for_user(fresh(sue), session.pk, manage=True)
    client = client_for(sue)
    assert client.get(f"/gcs/groups/{group.pk}/edit/").status_code == 403
    assert client.get(f"/gcs/sessions/{session.pk}/agenda/add/").status_code == 403


def test_someone_still_listed_as_a_team_manager_after_losing_the_manager_role_manages_nothing(
    north: Team, group: SupervisionGroup, gina: User
) -> None:
    former = factories.make_user("former@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(north,))
    north.managers.add(former)
    assert list(permissions.groups_visible_to(former)) == []
    assert rights_for(fresh(former), group) == NOTHING
    services.add_member(group=group, user=former, discipline=Discipline.OTHER, by=gina)
    assert rights_for(fresh(former), group) == GroupRights(view=True, discipline="other")


def test_a_chair_who_loses_the_manager_role_keeps_the_chair_rights_only(group: SupervisionGroup, mo: User) -> None:
    # Roles are Django groups (accounts.models.Role).
    mo.groups.set(Group.objects.filter(name=Role.PRACTITIONER.value))
    assert rights_for(fresh(mo), group) == GroupRights(view=True, minutes=True, approve=True, discipline="chair")


def test_an_inactive_account_has_no_rights_anywhere(group: SupervisionGroup, gina: User) -> None:
    gina.is_active = False
    gina.save()
    assert rights_for(fresh(gina), group) == NOTHING
    assert list(permissions.groups_visible_to(gina)) == []
    assert not gina.has_perm("supervision.create_group")


def test_who_may_start_a_group(gina: User, mo: User, alice: User, ada: User, vic: User, sue: User) -> None:
    assert [u.email for u in (gina, mo, alice, ada, vic, sue) if u.has_perm("supervision.create_group")] == [
        gina.email,
        mo.email,
        sue.email,
    ]


def test_no_permission_holds_without_an_object(group: SupervisionGroup, mo: User) -> None:
    for perm in [
        "supervision.view_group",
        "supervision.manage_group",
        "supervision.write_minutes",
        "supervision.approve_minutes",
        "supervision.upload_paper",
        "supervision.change_action",
    ]:
        assert not mo.has_perm(perm), perm


def test_rights_are_worked_out_once_per_request_and_forgotten_on_request(
    group: SupervisionGroup, alice: User, gina: User, django_assert_num_queries
) -> None:
    user = fresh(alice)
    assert rights_for(user, group).view
    with django_assert_num_queries(0):
        assert rights_for(user, group).view
    services.remove_member(member=group.members.get(user=alice), by=gina)
    permissions.forget_rights(user)
    assert rights_for(user, group) == NOTHING
    permissions.forget_rights(fresh(alice))  # nothing to forget: no error


def test_the_session_helpers_refuse_each_right_to_those_without_it(
    session: SupervisionSession, gina: User, tom: User, mo: User, alice: User, sam: User, bob: User
) -> None:
    get = permissions.get_session_for_user
    for user, flag, allowed in [
        (gina, "manage", True),
        (alice, "manage", False),
        (tom, "minutes", True),
        (gina, "minutes", True),
        (mo, "minutes", True),
        (alice, "minutes", False),
        (mo, "approve", True),
        (gina, "approve", False),
        (tom, "approve", False),
    ]:
        if allowed:
            assert get(fresh(user), session.pk, **{flag: True}) == session, (user.email, flag)
        else:
            with pytest.raises(PermissionDenied):
                get(fresh(user), session.pk, **{flag: True})
    assert get(fresh(sam), session.pk) == session
    with pytest.raises(Http404):
        get(fresh(bob), session.pk)


def test_the_item_helper_lets_the_presenter_and_the_coordinator_upload_and_no_one_else(
    item, gina: User, tom: User, alice: User, sam: User, mo: User, bob: User
) -> None:
    get = permissions.get_item_for_user
    for user in (alice, gina, mo):
        assert get(fresh(user), item.pk, upload=True) == item, user.email
    for user in (sam, tom):
        with pytest.raises(PermissionDenied):
            get(fresh(user), item.pk, upload=True)
    assert get(fresh(tom), item.pk, minutes=True) == item
    with pytest.raises(PermissionDenied):
        get(fresh(alice), item.pk, minutes=True)
    assert get(fresh(gina), item.pk, manage=True) == item
    with pytest.raises(PermissionDenied):
        get(fresh(tom), item.pk, manage=True)
    with pytest.raises(Http404):
        get(fresh(bob), item.pk)


@pytest.fixture
def alices_paper(item, alice: User, clamd: object) -> Paper:  # the upload is scanned
    return services.upload_paper(item=item, upload=SimpleUploadedFile("chronology.pdf", minimal_pdf()), by=alice)


def test_a_plain_member_may_read_but_not_delete_another_members_paper(
    alices_paper: Paper, sam: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(sam)
    assert client.get(f"/gcs/papers/{alices_paper.pk}/").status_code == 200
    assert client.post(f"/gcs/papers/{alices_paper.pk}/delete/").status_code == 403
    assert Paper.objects.filter(pk=alices_paper.pk).exists()
    with pytest.raises(PermissionDenied):
        permissions.get_paper_for_user(fresh(sam), alices_paper.pk, delete=True)


def test_the_minute_taker_may_not_delete_a_paper_either(alices_paper: Paper, tom: User) -> None:
    with pytest.raises(PermissionDenied):
        permissions.get_paper_for_user(fresh(tom), alices_paper.pk, delete=True)


def test_the_uploader_and_the_coordinator_may_delete_a_paper(alices_paper: Paper, alice: User, gina: User) -> None:
    assert permissions.get_paper_for_user(fresh(alice), alices_paper.pk, delete=True) == alices_paper
    assert permissions.get_paper_for_user(fresh(gina), alices_paper.pk, delete=True) == alices_paper


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_the_presenter_may_delete_a_paper_the_coordinator_uploaded_for_them(item, alice: User, gina: User) -> None:
    paper = services.upload_paper(item=item, upload=SimpleUploadedFile("minutes.pdf", minimal_pdf()), by=gina)
    assert permissions.get_paper_for_user(fresh(alice), paper.pk, delete=True) == paper


def test_someone_who_uploaded_a_paper_and_then_left_the_group_cannot_reach_it(
    group: SupervisionGroup, alices_paper: Paper, alice: User, gina: User
) -> None:
    services.remove_member(member=group.members.get(user=alice), by=gina)
    with pytest.raises(Http404):
        permissions.get_paper_for_user(fresh(alice), alices_paper.pk, delete=True)


def test_an_action_is_changed_by_its_owner_and_the_minute_writers_and_edited_by_the_minute_writers_only(
    item, gina: User, tom: User, mo: User, alice: User, sam: User, bob: User
) -> None:
    action = services.add_action(
        item=item,
        description="Speak to school",
        owner=sam,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        by=gina,
    )
    get = permissions.get_action_for_user
    for user in (sam, tom, gina, mo):
        assert get(fresh(user), action.pk, change=True) == action, user.email
    with pytest.raises(PermissionDenied):
        get(fresh(alice), action.pk, change=True)
    for user in (tom, gina, mo):
        assert get(fresh(user), action.pk, edit=True) == action, user.email
    for user in (sam, alice):
        with pytest.raises(PermissionDenied):
            get(fresh(user), action.pk, edit=True)
    with pytest.raises(Http404):
        get(fresh(bob), action.pk)


def test_a_partner_agency_member_is_told_only_of_the_families_the_families_rules_allow(
    item, north_family: Family, south_family: Family, sam: User, mo: User
) -> None:
    ids = [north_family.pk, south_family.pk]
    assert permissions.visible_family_ids(sam, ids) == set()
    assert permissions.visible_family_ids(mo, ids) == {north_family.pk}
    assert permissions.visible_family_ids(mo, []) == set()


def test_someone_who_loses_every_gcs_role_loses_the_group_though_still_listed_as_a_member(
    group: SupervisionGroup, alice: User
) -> None:
    alice.groups.set(Group.objects.filter(name=Role.VOLUNTEER.value))
    assert rights_for(fresh(alice), group) == NOTHING
    assert list(permissions.groups_visible_to(alice)) == []


def test_no_one_who_is_not_signed_in_uses_gcs(group: SupervisionGroup) -> None:
    assert not permissions.uses_gcs(None)
    assert not permissions.uses_gcs(AnonymousUser())
    assert rights_for(AnonymousUser(), group) == NOTHING


def test_a_presenter_removed_from_the_group_may_no_longer_upload_but_may_tick_off_an_action_they_still_own(
    group: SupervisionGroup, item, alice: User, gina: User
) -> None:
    """Actions may be owned by anyone the coordinator could invite, members or not (issue 11):
    the owner sees and ticks off only their own action, on /gcs/actions/mine/, until it is reassigned."""
    action = services.add_action(
        item=item, description="Visit", owner=alice, due_on=timezone.localdate() + dt.timedelta(days=30), by=gina
    )
    assert fresh(alice).has_perm("supervision.upload_paper", item)
    assert fresh(alice).has_perm("supervision.change_action", action)
    services.remove_member(member=group.members.get(user=alice), by=gina)
    item.refresh_from_db()
    assert item.presenter == alice, "the item keeps its presenter until the coordinator gives it another"
    assert not fresh(alice).has_perm("supervision.upload_paper", item)
    assert fresh(alice).has_perm("supervision.change_action", action)
    services.update_action(action=action, description="Visit", owner=gina, due_on=action.due_on, by=gina)
    assert not fresh(alice).has_perm("supervision.change_action", action)


def test_a_team_manager_who_is_not_the_chair_may_change_actions_but_not_write_minutes(
    north: Team, group: SupervisionGroup, item, sam: User, gina: User
) -> None:
    max_ = factories.make_user("max@example.gov.uk", roles=(Role.MANAGER,), teams=(north,))
    north.managers.add(max_)
    assert rights_for(fresh(max_), group) == GroupRights(view=True, manage=True)
    action = services.add_action(
        item=item, description="Visit", owner=sam, due_on=timezone.localdate() + dt.timedelta(days=30), by=gina
    )
    assert permissions.get_action_for_user(fresh(max_), action.pk, change=True) == action
    with pytest.raises(PermissionDenied):
        permissions.get_action_for_user(fresh(max_), action.pk, edit=True)


def test_any_member_may_see_an_action_without_changing_it(item, alice: User, sam: User, gina: User) -> None:
    action = services.add_action(
        item=item, description="Visit", owner=sam, due_on=timezone.localdate() + dt.timedelta(days=30), by=gina
    )
    assert permissions.get_action_for_user(fresh(alice), action.pk) == action


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
def test_whoever_uploaded_a_paper_may_delete_it_after_handing_over_the_group(
    north: Team, group: SupervisionGroup, item, gina: User
) -> None:
    services.add_member(group=group, user=gina, discipline=Discipline.OTHER, by=gina)
    paper = services.upload_paper(item=item, upload=SimpleUploadedFile("agenda.pdf", minimal_pdf()), by=gina)
    gus = factories.make_user("gus@example.gov.uk", roles=(Role.GCS_COORDINATOR,), teams=(north,))
    services.update_group(group=group, coordinator=gus, by=gina)
    assert not rights_for(fresh(gina), group).manage
    assert permissions.get_paper_for_user(fresh(gina), paper.pk, delete=True) == paper
