"""Small helpers shared by the GCS services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.localtime import timing_problem
from diary.services import AttendeeSpec
from supervision.models import SupervisionGroup, SupervisionSession
from supervision.permissions import GCS_ROLES


def absolute(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def session_link(session: SupervisionSession) -> str:
    return absolute("supervision:session_detail", pk=session.pk)


def local_label(moment: dt.datetime) -> str:
    """e.g. "Tuesday 3 March 2026, 10:00", in Europe/London."""
    return f"{timezone.localtime(moment):%A %-d %B %Y, %H:%M}"


def session_email_context(session: SupervisionSession) -> dict[str, Any]:
    """What every GCS email may say about a session: group, time, place, link. No names of families."""
    return {
        "group_name": session.group.name,
        "team_name": session.group.team.name,
        "when": local_label(session.start),
        "location": session.location,
        "online_url": session.online_url,
        "link": session_link(session),
    }


def invitees(group: SupervisionGroup) -> list[User]:
    """Who is invited to a group's sessions: its members, coordinator and minute-taker."""
    people: dict[int, User] = {m.user.pk: m.user for m in group.members.select_related("user")}
    people.setdefault(group.coordinator.pk, group.coordinator)
    if group.minute_taker is not None:
        people.setdefault(group.minute_taker.pk, group.minute_taker)
    return sorted(people.values(), key=lambda u: (u.full_name, u.pk))


def can_be_invited(user: User) -> bool:
    """Whether a coordinator could invite this person to a group: an active account in a GCS role."""
    return bool(user.is_active and user.role_names & GCS_ROLES)


def attendee_specs(session: SupervisionSession, people: list[User]) -> list[AttendeeSpec]:
    """Who a session's diary entry invites: the group's people and the session's guests.

    Guests are named only in Kinfolk (diary.services keeps an outsider's name out of invites).
    Uses `session.guests.all()`, so a caller looping over sessions prefetches "guests".
    """
    specs = [AttendeeSpec(user=user) for user in people]
    staff = {spec.address for spec in specs}
    specs += [AttendeeSpec(email=g.email, name=g.name) for g in session.guests.all() if g.email.lower() not in staff]
    return specs


def require_aware(value: dt.datetime, field: str) -> None:
    """Refuse a naive datetime, or a London time the clock change skips or repeats."""
    problem = timing_problem(value)
    if problem is not None:
        raise ValidationError({field: problem})


def lock_session(session_id: int) -> SupervisionSession:
    """Re-read a session under a row lock, for a service about to check whether it may still be written.

    The caller's copy may be stale: the chair can approve (or the coordinator
    cancel) between the page load and this write. Checking the locked, fresh
    row makes the check and the write atomic against `approve_minutes`,
    `submit_minutes` and `cancel_session`, which take the same lock. Must run
    inside a transaction.
    """
    return (
        SupervisionSession.objects.select_for_update(of=("self",))
        .select_related("group__team", "group__coordinator")
        .get(pk=session_id)
    )
