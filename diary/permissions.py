"""Who may see which meetings."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from diary.models import Meeting, MeetingAttendee


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """The organiser, current staff attendees, and managers of the meeting's team.

    Administrators see no meetings: titles and case references are case content.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return Meeting.objects.none()
    attending = MeetingAttendee.objects.filter(user=user, removed_at__isnull=True).values("meeting_id")
    condition = Q(organiser=user) | Q(pk__in=attending)
    if Role.MANAGER.value in user.role_names:
        condition |= Q(team__managers=user)
    return Meeting.objects.filter(pk__in=Meeting.objects.filter(condition).values("pk"))


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    return get_object_or_404(meetings_visible_to(user).select_related("team", "organiser"), pk=pk)
