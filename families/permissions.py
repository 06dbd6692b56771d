"""Need-to-know access to case records (families and care leavers), built on `rules`.

One definition per record type: a queryset of what a user may see. Lists filter
with it, and the object helpers fetch through it, so a list never shows what a
detail page would refuse and a URL naming an object the user may not see
answers 404. Write permission (rules predicates below) narrows it further and
answers 403, because the user already knows the object exists.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from accounts.models import Role, Team, User
from accounts.permissions import is_active_user
from families.models import CareLeaver, Family


def _case_access(user: Any, worker_field: str) -> Q | None:
    """The rows of a case record (family, care leaver) a user may see, or None for none.

    Practitioners and GCS coordinators: those held by them (`worker_field`) or by
    a team they belong to. Managers: those of teams they manage or belong to.
    """
    if not is_active_user(user):
        return None
    roles = user.role_names
    case_roles = Role.PRACTITIONER.value in roles or Role.GCS_COORDINATOR.value in roles
    if not case_roles and Role.MANAGER.value not in roles:
        return None
    # The user's team ids as values, read in one query, not as subqueries or joins:
    # `allocated to them OR team_id IN (1, 2)` lets PostgreSQL combine the two indexes
    # (a bitmap OR), where an OR across a subquery or a join scans every family
    # (bench/load.py, docs/performance.md).
    member_of: set[int] = set()
    managed: set[int] = set()
    memberships = (
        Team.members.through.objects.filter(user=user)
        .values_list("team_id", Value(False))
        .union(Team.managers.through.objects.filter(user=user).values_list("team_id", Value(True)), all=True)
    )
    for team_id, manages in memberships:
        (managed if manages else member_of).add(team_id)
    condition: Q | None = None
    if case_roles:
        condition = Q(**{worker_field: user}) | Q(team_id__in=sorted(member_of))
    if Role.MANAGER.value in roles:
        teams = Q(team_id__in=sorted(member_of | managed))
        condition = teams if condition is None else condition | teams
    return condition


def families_visible_to(user: Any, queryset: QuerySet[Family] | None = None) -> QuerySet[Family]:
    """Families a user may see: allocated to them, their team's, or a team they manage.

    Administrators see no case content by default (DESIGN.md §1); volunteers and
    volunteer coordinators reach families only through the volunteer module's
    narrower views. GCS coordinators support their team's Group Case Supervision,
    so they see their own teams' families.
    """
    qs = queryset if queryset is not None else Family.objects.all()
    condition = _case_access(user, "allocated_practitioner")
    if condition is None:
        return qs.none()
    return qs.filter(condition)


def care_leavers_visible_to(user: Any, queryset: QuerySet[CareLeaver] | None = None) -> QuerySet[CareLeaver]:
    """Care leavers a user may see: those they advise, their team's, or a team they manage."""
    qs = queryset if queryset is not None else CareLeaver.objects.all()
    condition = _case_access(user, "personal_adviser")
    if condition is None:
        return qs.none()
    return qs.filter(condition)


@rules.predicate
def can_view_family(user: User, family: Family | None) -> bool:
    if family is None:
        return False
    return families_visible_to(user).filter(pk=family.pk).exists()


@rules.predicate
def can_change_family(user: User, family: Family | None) -> bool:
    """The allocated practitioner and the team's managers keep the record up to date."""
    if family is None or not is_active_user(user):
        return False
    if Role.PRACTITIONER.value in user.role_names and family.allocated_practitioner_id == user.pk:
        return True
    return Role.MANAGER.value in user.role_names and family.team.managers.filter(pk=user.pk).exists()


@rules.predicate
def can_view_care_leaver(user: User, care_leaver: CareLeaver | None) -> bool:
    if care_leaver is None:
        return False
    return care_leavers_visible_to(user).filter(pk=care_leaver.pk).exists()


rules.add_perm("families.view_family", can_view_family)
rules.add_perm("families.change_family", can_change_family & can_view_family)
rules.add_perm("families.view_careleaver", can_view_care_leaver)


def get_family_for_user(user: Any, pk: int, *, write: bool = False) -> Family:
    """The family, or 404 if the user may not see it; 403 if they may see but not change it."""
    family = get_object_or_404(
        families_visible_to(user).select_related("team", "locality", "allocated_practitioner"),
        pk=pk,
    )
    if write and not user.has_perm("families.change_family", family):
        raise PermissionDenied
    return family


def get_care_leaver_for_user(user: Any, pk: int) -> CareLeaver:
    return get_object_or_404(
        care_leavers_visible_to(user).select_related("team", "locality", "personal_adviser", "family"),
        pk=pk,
    )
