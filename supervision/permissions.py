"""Who may see and do what in Group Case Supervision, built on `rules`.

Only a group's members, its coordinator and minute-taker, and the managers of
its team see its agendas, papers and minutes. Rights are derived from the
membership rows on every request, so a member removed loses access at once.
An object the user may not see answers 404; one they may see but not act on
answers 403 (they already know it exists).

Family details inside an agenda follow the families app's own rules
(`visible_family_ids`): a member from a partner agency sees the case
reference, and the family's name and record only if families.permissions lets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from families.permissions import families_visible_to
from supervision.models import (
    Action,
    AgendaItem,
    Discipline,
    GroupMember,
    MinutesVersion,
    Paper,
    SupervisionGroup,
    SupervisionSession,
)

# Roles that can take part in GCS at all. Administrators see no case content
# by default; volunteers never see case discussion.
GCS_ROLES = frozenset({Role.PRACTITIONER.value, Role.MANAGER.value, Role.GCS_COORDINATOR.value})


def uses_gcs(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role_names & GCS_ROLES)


def groups_visible_to(user: Any) -> QuerySet[SupervisionGroup]:
    if not uses_gcs(user):
        return SupervisionGroup.objects.none()
    condition = Q(members__user=user) | Q(coordinator=user) | Q(minute_taker=user)
    if Role.MANAGER.value in user.role_names:
        condition |= Q(team__managers=user)
    return SupervisionGroup.objects.filter(pk__in=SupervisionGroup.objects.filter(condition).values("pk"))


def sessions_visible_to(user: Any) -> QuerySet[SupervisionSession]:
    return SupervisionSession.objects.filter(group__in=groups_visible_to(user))


def visible_family_ids(user: Any, family_ids: list[int] | set[int]) -> set[int]:
    """Which of these families the user may see under the families app's rules (one query)."""
    if not family_ids:
        return set()
    return set(families_visible_to(user).filter(pk__in=family_ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class GroupRights:
    view: bool = False
    manage: bool = False
    minutes: bool = False
    approve: bool = False
    discipline: str = ""

    @property
    def is_member(self) -> bool:
        return bool(self.discipline)


def rights_for(user: Any, group: SupervisionGroup) -> GroupRights:
    """The user's rights in a group, worked out once per request (two queries at most)."""
    cache: dict[int, GroupRights] = getattr(user, "_gcs_rights", None) or {}
    if group.pk in cache:
        return cache[group.pk]
    rights = GroupRights()
    if uses_gcs(user):
        discipline = (
            GroupMember.objects.filter(group=group, user=user).values_list("discipline", flat=True).first() or ""
        )
        is_team_manager = Role.MANAGER.value in user.role_names and group.team.managers.filter(pk=user.pk).exists()
        is_coordinator = group.coordinator_id == user.pk
        is_minute_taker = group.minute_taker_id == user.pk
        is_chair = discipline == Discipline.CHAIR
        manage = is_coordinator or is_team_manager
        rights = GroupRights(
            view=bool(discipline) or manage or is_minute_taker,
            manage=manage,
            minutes=is_minute_taker or is_coordinator or is_chair,
            approve=is_chair,
            discipline=discipline,
        )
    cache[group.pk] = rights
    if user is not None and user.is_authenticated:
        user._gcs_rights = cache
    return rights


def forget_rights(user: Any) -> None:
    """Drop the per-request cache (after a membership change in the same request)."""
    if hasattr(user, "_gcs_rights"):
        del user._gcs_rights


@rules.predicate
def can_view_group(user: Any, group: SupervisionGroup | None) -> bool:
    return group is not None and rights_for(user, group).view


@rules.predicate
def can_manage_group(user: Any, group: SupervisionGroup | None) -> bool:
    return group is not None and rights_for(user, group).manage


@rules.predicate
def can_write_minutes(user: Any, group: SupervisionGroup | None) -> bool:
    return group is not None and rights_for(user, group).minutes


@rules.predicate
def can_approve_minutes(user: Any, group: SupervisionGroup | None) -> bool:
    return group is not None and rights_for(user, group).approve


@rules.predicate
def can_upload_paper(user: Any, item: AgendaItem | None) -> bool:
    """The presenting worker, or whoever runs the group."""
    if item is None:
        return False
    rights = rights_for(user, item.session.group)
    return rights.view and (item.presenter_id == user.pk or rights.manage)


@rules.predicate
def can_change_action(user: Any, action: Action | None) -> bool:
    """The action's owner, and the people who keep the minutes and run the group."""
    if action is None:
        return False
    if action.owner_id == user.pk:
        # An owner from outside the group (anyone the coordinator could invite) ticks off their own.
        return uses_gcs(user)
    rights = rights_for(user, action.group)
    # Both imply seeing the group (rights_for's `view`).
    return rights.manage or rights.minutes


@rules.predicate
def can_create_group(user: Any) -> bool:
    return uses_gcs(user) and bool(user.role_names & {Role.GCS_COORDINATOR.value, Role.MANAGER.value})


rules.add_perm("supervision.view_group", can_view_group)
rules.add_perm("supervision.manage_group", can_manage_group)
rules.add_perm("supervision.write_minutes", can_write_minutes)
rules.add_perm("supervision.approve_minutes", can_approve_minutes)
rules.add_perm("supervision.upload_paper", can_upload_paper)
rules.add_perm("supervision.change_action", can_change_action)
rules.add_perm("supervision.create_group", can_create_group)


def _require(user: Any, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def get_group_for_user(user: Any, pk: int, *, manage: bool = False) -> SupervisionGroup:
    group = get_object_or_404(groups_visible_to(user).select_related("team", "coordinator", "minute_taker"), pk=pk)
    if manage:
        _require(user, "supervision.manage_group", group)
    return group


def get_session_for_user(
    user: Any, pk: int, *, manage: bool = False, minutes: bool = False, approve: bool = False
) -> SupervisionSession:
    session = get_object_or_404(
        sessions_visible_to(user).select_related("group__team", "group__coordinator", "group__minute_taker", "meeting"),
        pk=pk,
    )
    if manage:
        _require(user, "supervision.manage_group", session.group)
    if minutes:
        _require(user, "supervision.write_minutes", session.group)
    if approve:
        _require(user, "supervision.approve_minutes", session.group)
    return session


def get_item_for_user(
    user: Any, pk: int, *, manage: bool = False, minutes: bool = False, upload: bool = False
) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.filter(session__in=sessions_visible_to(user)).select_related(
            "session__group__team", "family", "presenter"
        ),
        pk=pk,
    )
    if manage:
        _require(user, "supervision.manage_group", item.session.group)
    if minutes:
        _require(user, "supervision.write_minutes", item.session.group)
    if upload:
        _require(user, "supervision.upload_paper", item)
    return item


def get_paper_for_user(user: Any, pk: int, *, delete: bool = False) -> Paper:
    paper = get_object_or_404(
        Paper.objects.filter(item__session__in=sessions_visible_to(user)).select_related(
            "item__session__group__team", "item__family", "item__presenter"
        ),
        pk=pk,
    )
    if delete and not (paper.uploaded_by_id == user.pk or user.has_perm("supervision.upload_paper", paper.item)):
        raise PermissionDenied
    return paper


def get_action_for_user(user: Any, pk: int, *, change: bool = False, edit: bool = False) -> Action:
    """`change`: mark done or reopen (the owner too); `edit`: change or delete it (the minute writers)."""
    visible = Q(group__in=groups_visible_to(user)) | (Q(owner=user) if uses_gcs(user) else Q(pk__in=[]))
    action = get_object_or_404(
        Action.objects.filter(visible).select_related("group__team", "family", "owner", "item__session__group__team"),
        pk=pk,
    )
    if change:
        _require(user, "supervision.change_action", action)
    if edit:
        _require(user, "supervision.write_minutes", action.group)
    return action


def get_version_for_user(user: Any, pk: int) -> MinutesVersion:
    return get_object_or_404(
        MinutesVersion.objects.filter(session__in=sessions_visible_to(user)).select_related("session__group"),
        pk=pk,
    )
