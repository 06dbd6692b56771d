"""Groups and their members."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.models import Team, User
from core.models.audit import AuditAction
from supervision.models import GroupMember, SupervisionGroup
from supervision.permissions import forget_rights
from supervision.services.scheduling import sync_invitations

GROUP_SETTINGS = (
    "name",
    "minute_taker",
    "coordinator",
    "cadence_weeks",
    "weekday",
    "start_time",
    "duration_minutes",
    "location",
    "online_url",
    "papers_deadline_working_days",
    "session_reminder_working_days",
    "action_reminder_working_days",
    "discussion_interval_days",
    "default_item_minutes",
)


@transaction.atomic
def create_group(*, team: Team, name: str, coordinator: User, by: User, **settings: Any) -> SupervisionGroup:
    if SupervisionGroup.objects.filter(team=team).exists():
        raise ValidationError({"team": f"{team.name} already has a Group Case Supervision group."})
    unknown = set(settings) - set(GROUP_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown group settings: {sorted(unknown)}")
    group = SupervisionGroup(team=team, name=name.strip(), coordinator=coordinator, **settings)
    group.full_clean()
    group.save()
    audit.record(action=AuditAction.CREATE, obj=group, detail={"team": team.pk})
    return group


@transaction.atomic
def update_group(*, group: SupervisionGroup, by: User, **changes: Any) -> SupervisionGroup:
    unknown = set(changes) - set(GROUP_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown group settings: {sorted(unknown)}")
    before_people = (group.coordinator_id, group.minute_taker_id)
    for field, value in changes.items():
        setattr(group, field, value)
    group.full_clean()
    group.save()
    audit.record(action=AuditAction.UPDATE, obj=group, detail={"fields": sorted(changes)})
    if (group.coordinator_id, group.minute_taker_id) != before_people:
        sync_invitations(group=group)
    return group


@transaction.atomic
def add_member(*, group: SupervisionGroup, user: User, discipline: str, by: User) -> GroupMember:
    """Add a member; they are invited to every future session at once."""
    if not user.is_active:
        raise ValidationError({"user": "This account is not active."})
    if GroupMember.objects.filter(group=group, user=user).exists():
        raise ValidationError({"user": f"{user} is already a member of this group."})
    member = GroupMember(group=group, user=user, discipline=discipline)
    member.full_clean()
    member.save()
    audit.record(action=AuditAction.UPDATE, obj=group, detail={"member_added": user.pk, "discipline": discipline})
    sync_invitations(group=group)
    return member


@transaction.atomic
def update_member(*, member: GroupMember, discipline: str, by: User) -> GroupMember:
    member.discipline = discipline
    member.full_clean()
    member.save(update_fields=["discipline"])
    audit.record(
        action=AuditAction.UPDATE, obj=member.group, detail={"member": member.user_id, "discipline": discipline}
    )
    forget_rights(member.user)
    return member


@transaction.atomic
def remove_member(*, member: GroupMember, by: User) -> None:
    """Remove a member: access ends at once and future sessions are cancelled in their calendar.

    The coordinator and minute-taker stay invited while they hold those roles.
    """
    group = member.group
    user = member.user
    member.delete()
    forget_rights(user)
    audit.record(action=AuditAction.UPDATE, obj=group, detail={"member_removed": user.pk})
    sync_invitations(group=group)
