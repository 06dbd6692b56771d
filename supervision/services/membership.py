"""The calendar side of membership: run in a task, with progress the group page shows, and undoable.

Adding or removing a member answers at once. The invitations to every future
session follow in a django-q2 task enqueued on commit (and the every-minute
sweep, should the broker lose it); the task makes the invitations match the
group as it is then, so running it twice, or two changes' tasks in either
order, ends in the same place.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary.models import MeetingAttendee
from supervision.models import (
    Action,
    AgendaItem,
    CalendarWork,
    GroupMember,
    MembershipChange,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.permissions import forget_rights
from supervision.services.scheduling import sync_invitations

logger = logging.getLogger(__name__)

# A claim older than this is taken to be a worker that died (django-q2's timeout is 120 s).
STALE_CLAIM = dt.timedelta(minutes=10)


def future_invitations(*, group: SupervisionGroup, user: User) -> int:
    """How many of the group's sessions still to come the person is invited to."""
    meetings = group.sessions.upcoming().exclude(meeting=None).values("meeting_id")
    return MeetingAttendee.objects.current().filter(meeting_id__in=meetings, user=user).count()


@dataclass(frozen=True)
class RemovalPreview:
    member: GroupMember
    sessions: int
    stays_invited: bool  # still the coordinator or minute-taker
    presenting: list[AgendaItem]
    actions: list[Action]


def preview_removal(*, member: GroupMember) -> RemovalPreview:
    """What removing a member will do, for the confirmation page."""
    group, user = member.group, member.user
    stays = user.pk in {group.coordinator_id, group.minute_taker_id}
    presenting = list(
        AgendaItem.objects.filter(session__in=group.sessions.upcoming(), presenter=user)
        .select_related("family", "session")
        .order_by("session__start", "position")
    )
    actions = list(Action.objects.open().filter(group=group, owner=user).select_related("family"))
    return RemovalPreview(
        member=member,
        sessions=0 if stays else future_invitations(group=group, user=user),
        stays_invited=stays,
        presenting=presenting,
        actions=actions,
    )


def record_change(
    *, group: SupervisionGroup, user: User, kind: str, discipline: str, by: User, sessions: int
) -> MembershipChange:
    """Note the change and hand its calendar work to the worker once the caller's transaction commits."""
    change = MembershipChange.objects.create(
        group=group, user=user, kind=kind, discipline=discipline, by=by, sessions=sessions
    )
    transaction.on_commit(lambda: enqueue_calendar_work(change.pk))
    return change


def enqueue_calendar_work(change_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("supervision.tasks.apply_membership_change", change_id, task_name=f"gcs-membership-{change_id}")
    except Exception:  # the broker is optional: the every-minute sweep is the guarantee
        logger.warning("Could not queue membership change %s; the sweep will do it.", change_id, exc_info=True)


def apply_calendar_work(*, change_id: int) -> bool:
    """Bring the group's future invitations in line with its members; False if another worker has it."""
    now = timezone.now()
    claimable = models.Q(status__in=[CalendarWork.WAITING, CalendarWork.FAILED]) | models.Q(
        status=CalendarWork.RUNNING, started_at__lt=now - STALE_CLAIM
    )
    claimed = MembershipChange.objects.filter(claimable, pk=change_id).update(
        status=CalendarWork.RUNNING, started_at=now
    )
    if not claimed:
        return False
    change = MembershipChange.objects.select_related("group__coordinator", "group__minute_taker", "group__team").get(
        pk=change_id
    )
    try:
        with transaction.atomic():
            sync_invitations(group=change.group)
            MembershipChange.objects.filter(pk=change_id).update(
                status=CalendarWork.DONE, sessions_done=change.sessions, finished_at=timezone.now()
            )
    except Exception:
        MembershipChange.objects.filter(pk=change_id).update(status=CalendarWork.FAILED)
        logger.exception("Calendar work for membership change %s failed; the sweep tries again.", change_id)
        return False
    return True


def pending_changes() -> list[int]:
    stale = timezone.now() - STALE_CLAIM
    return list(
        MembershipChange.objects.filter(
            models.Q(status__in=[CalendarWork.WAITING, CalendarWork.FAILED])
            | models.Q(status=CalendarWork.RUNNING, started_at__lt=stale)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:50]
    )


def can_restore(change: MembershipChange) -> bool:
    """A removal can be undone while sessions that were to come when it was made are still to come."""
    if change.kind != MembershipChange.Kind.REMOVED or change.undone_at is not None:
        return False
    if GroupMember.objects.filter(group=change.group_id, user=change.user_id).exists():
        return False
    return change.group.sessions.upcoming().filter(created_at__lte=change.created_at).exists()


@transaction.atomic
def restore_member(*, change: MembershipChange, by: User) -> GroupMember:
    """Undo a removal: the person is a member again and re-invited to the sessions to come."""
    change = MembershipChange.objects.select_for_update().select_related("group", "user").get(pk=change.pk)
    if not can_restore(change):
        raise ValidationError("This removal can no longer be undone. Add the person again instead.")
    if not change.user.is_active:
        raise ValidationError("This account is not active.")
    member = GroupMember(group=change.group, user=change.user, discipline=change.discipline)
    member.full_clean()
    member.save()
    change.undone_at = timezone.now()
    change.save(update_fields=["undone_at"])
    forget_rights(change.user)
    audit.record(action=AuditAction.UPDATE, obj=change.group, detail={"member_restored": change.user_id})
    record_change(
        group=change.group,
        user=change.user,
        kind=MembershipChange.Kind.RESTORED,
        discipline=change.discipline,
        by=by,
        sessions=change.group.sessions.upcoming().exclude(meeting=None).count(),
    )
    return member


def recent_changes(*, group: SupervisionGroup, limit: int = 5) -> list[MembershipChange]:
    """The last few changes, newest first, for the group page (one query)."""
    return list(group.membership_changes.select_related("user", "group").order_by("-created_at", "-pk")[:limit])


def restorable(
    changes: list[MembershipChange], *, member_ids: set[int], upcoming: list[SupervisionSession]
) -> set[int]:
    """Of `changes`, the removals the group page offers to undo (no query: from what the page has loaded)."""
    return {
        change.pk
        for change in changes
        if change.kind == MembershipChange.Kind.REMOVED
        and change.undone_at is None
        and change.user_id not in member_ids
        and any(session.created_at <= change.created_at for session in upcoming)
    }
