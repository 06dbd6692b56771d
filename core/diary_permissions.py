"""Who may see meetings, the outbox and the development outbox."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.models import KeptEmail, Meeting, MeetingAttendee, OutboxMessage, Role
from core.permissions import has_administrator_role

rules.add_perm("core.view_outbox", has_administrator_role)


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


def require_outbox_access(user: Any) -> None:
    """Administrators only; 404 to everyone else, like the other administrative pages."""
    if not (user is not None and user.is_authenticated and user.is_active and user.has_perm("core.view_outbox")):
        raise Http404


def get_outbox_message_for_user(user: Any, pk: int) -> OutboxMessage:
    """An outbox row for an administrator; 404 for everyone else and for a missing row alike."""
    require_outbox_access(user)
    return get_object_or_404(OutboxMessage, pk=pk)


def require_development_outbox_access(user: Any) -> None:
    """Administrators, and only in demo mode or development; 404 otherwise."""
    require_outbox_access(user)
    if not (settings.DEMO_MODE or settings.DEBUG):
        raise Http404


def get_kept_email_for_user(user: Any, pk: int) -> KeptEmail:
    """A development-outbox message for an administrator in demo mode or development; 404 otherwise."""
    require_development_outbox_access(user)
    return get_object_or_404(KeptEmail, pk=pk)
