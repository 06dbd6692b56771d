"""Groups and their members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Team, User
from core import audit
from core.models import AuditAction
from diary import services as diary
from diary.models import Meeting
from diary.reminders import withdraw_reminders
from supervision.models import Action, AgendaItem, GroupMember, MembershipChange, SupervisionGroup
from supervision.permissions import forget_rights
from supervision.services.membership import future_invitations, record_change
from supervision.services.minutes import schedule_action_reminders
from supervision.services.papers import papers_reminder_key, refresh_papers_deadline
from supervision.services.scheduling import reminder_rules, sync_invitations

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
    # A team may run several groups (pods, locality groups); two of the same name would be confused.
    if SupervisionGroup.objects.filter(team=team, name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"{team.name} already has a group called {name.strip()}. Choose another name."})
    unknown = set(settings) - set(GROUP_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown group settings: {sorted(unknown)}")
    group = SupervisionGroup(team=team, name=name.strip(), coordinator=coordinator, **settings)
    group.full_clean()
    group.save()
    audit.record(action=AuditAction.CREATE, obj=group, detail={"team": team.pk})
    return group


# Settings whose change must reach the sessions already in the diary.
PEOPLE_SETTINGS = ("coordinator", "minute_taker")
REMINDER_SETTINGS = ("session_reminder_working_days", "papers_deadline_working_days", "action_reminder_working_days")


@transaction.atomic
def update_group(*, group: SupervisionGroup, by: User, **changes: Any) -> SupervisionGroup:
    """Change a group's settings; the diarised sessions follow.

    A new coordinator becomes the organiser of every upcoming session and, with
    a new minute-taker, is invited to them; new reminder rules and a new papers
    deadline are applied to every upcoming session and open action.
    """
    unknown = set(changes) - set(GROUP_SETTINGS)
    if unknown:
        raise TypeError(f"Unknown group settings: {sorted(unknown)}")
    # Compare with the stored row, not with `group`: a ModelForm has already
    # copied the new values onto the instance the view passes in.
    stored = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    for field, value in changes.items():
        setattr(group, field, value)
    group.full_clean()
    group.save()
    changed = sorted(
        field
        for field in GROUP_SETTINGS
        if getattr(stored, field if field not in PEOPLE_SETTINGS else f"{field}_id")
        != getattr(group, field if field not in PEOPLE_SETTINGS else f"{field}_id")
    )
    audit.record(action=AuditAction.UPDATE, obj=group, detail={"fields": changed})
    if "coordinator" in changed:
        reassign_organiser(group=group)
    if {"coordinator", "minute_taker"} & set(changed):
        sync_invitations(group=group)
        for person in (stored.coordinator, stored.minute_taker, group.coordinator, group.minute_taker):
            forget_rights(person)
    if set(REMINDER_SETTINGS) & set(changed):
        apply_reminder_settings(group=group, changed=set(changed))
    return group


def reassign_organiser(*, group: SupervisionGroup) -> int:
    """Make the group's coordinator the organiser of its upcoming sessions; returns how many changed.

    Each meeting gets a new SEQUENCE sent to everyone (diary.services.change_organiser),
    and the organiser's own reminders (minutes overdue) move to the new coordinator.
    """
    meeting_ids = list(group.sessions.upcoming().exclude(meeting=None).values_list("meeting_id", flat=True))
    changed = 0
    for meeting in Meeting.objects.filter(pk__in=meeting_ids).select_related("organiser"):
        if meeting.organiser_id != group.coordinator_id:
            diary.change_organiser(meeting=meeting, organiser=group.coordinator)
            changed += 1
        diary.set_reminder_rules(meeting=meeting, reminder_rules=reminder_rules(group))
    return changed


def apply_reminder_settings(*, group: SupervisionGroup, changed: set[str]) -> None:
    """Apply new reminder rules and papers deadline to upcoming sessions and open actions."""
    for session in group.sessions.upcoming().select_related("meeting", "group__team"):
        if "session_reminder_working_days" in changed and session.meeting is not None:
            diary.set_reminder_rules(meeting=session.meeting, reminder_rules=reminder_rules(group))
        if "papers_deadline_working_days" in changed:
            refresh_papers_deadline(session=session)
    if "action_reminder_working_days" in changed:
        for action in Action.objects.open().filter(group=group, due_on__gte=timezone.localdate()).with_relations():
            schedule_action_reminders(action)


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
    # The invitations follow in a task, so the page answers at once (supervision/services/membership.py).
    record_change(
        group=group,
        user=user,
        kind=MembershipChange.Kind.ADDED,
        discipline=discipline,
        by=by,
        sessions=group.sessions.upcoming().exclude(meeting=None).count(),
    )
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


@dataclass(frozen=True)
class MemberRemoval:
    """What a removed member leaves behind for the coordinator to sort out."""

    presenting: list[AgendaItem]
    actions: list[Action]
    change: MembershipChange


@transaction.atomic
def remove_member(*, member: GroupMember, by: User) -> MemberRemoval:
    """Remove a member: access ends at once and future sessions are cancelled in their calendar.

    Their reminders (papers for the families they were to present, actions
    they own in this group) are withdrawn, and they are taken off the adult
    specialists of future agenda items. A presenter cannot be left blank, so
    the future items they were to present are returned (and flagged on the
    session page) for the coordinator to give another presenting worker.
    The coordinator and minute-taker stay invited while they hold those roles.
    """
    group = member.group
    user = member.user
    sessions = future_invitations(group=group, user=user)
    member.delete()
    forget_rights(user)
    future_items = list(
        AgendaItem.objects.filter(session__in=group.sessions.upcoming())
        .filter(models.Q(presenter=user) | models.Q(specialists=user))
        .select_related("family", "session")
        .distinct()
        .order_by("session__start", "position")
    )
    presenting = [item for item in future_items if item.presenter_id == user.pk]
    for item in presenting:
        withdraw_reminders(key_prefix=papers_reminder_key(item), recipient_email=user.email)
    for item in future_items:
        item.specialists.remove(user)
    actions = list(Action.objects.open().filter(group=group, owner=user).select_related("family"))
    for action in actions:
        withdraw_reminders(key_prefix=f"gcs:action:{action.pk}:", recipient_email=user.email)
    audit.record(
        action=AuditAction.UPDATE,
        obj=group,
        detail={
            "member_removed": user.pk,
            "presenting_items": [item.pk for item in presenting],
            "open_actions": [action.pk for action in actions],
        },
    )
    change = record_change(
        group=group,
        user=user,
        kind=MembershipChange.Kind.REMOVED,
        discipline=member.discipline,
        by=by,
        sessions=sessions,
    )
    return MemberRemoval(presenting=presenting, actions=actions, change=change)
