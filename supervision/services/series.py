"""Changes to many sessions at once: cancel or move every future session from a date.

One confirmation, and each person gets one email for the change however many
sessions it touches: the sessions of a diarised series change together
(diary.series); a session diarised on its own is changed on its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core import audit
from core.localtime import local_datetime_or_error
from core.models import AuditAction
from diary import series as diary_series
from diary import services as diary
from diary.models import MeetingSeries
from supervision.models import SessionStatus, SupervisionGroup, SupervisionSession
from supervision.services.papers import refresh_papers_deadline, withdraw_papers_reminders


def sessions_from(
    *, group: SupervisionGroup, first_day: dt.date, last_day: dt.date | None = None
) -> QuerySet[SupervisionSession]:
    """The group's sessions still to come whose (London) day is from `first_day` (to `last_day`)."""
    sessions = group.sessions.upcoming().filter(start__gte=local_datetime_or_error(first_day, dt.time(0, 0)))
    if last_day is not None:
        sessions = sessions.filter(start__lt=local_datetime_or_error(last_day + dt.timedelta(days=1), dt.time(0, 0)))
    return sessions.select_related("meeting__series")


def _by_series(
    sessions: list[SupervisionSession],
) -> tuple[dict[int, list[SupervisionSession]], list[SupervisionSession]]:
    grouped: dict[int, list[SupervisionSession]] = defaultdict(list)
    alone = []
    for session in sessions:
        if session.meeting is not None and session.meeting.series_id is not None:
            grouped[session.meeting.series_id].append(session)
        elif session.meeting is not None:
            alone.append(session)
    return grouped, alone


@transaction.atomic
def cancel_sessions_from(
    *, group: SupervisionGroup, by: User, first_day: dt.date, reason: str, last_day: dt.date | None = None
) -> int:
    """Cancel every session still to come from `first_day` (to `last_day`); returns how many."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the sessions are cancelled."})
    sessions = list(sessions_from(group=group, first_day=first_day, last_day=last_day).select_for_update(of=("self",)))
    if not sessions:
        return 0
    SupervisionSession.objects.filter(pk__in=[s.pk for s in sessions]).update(
        status=SessionStatus.CANCELLED, cancel_reason=reason.strip()[:250]
    )
    grouped, alone = _by_series(sessions)
    for series_id, members in grouped.items():
        diary_series.cancel_series_meetings(
            series=MeetingSeries.objects.get(pk=series_id),
            meetings=[s.meeting for s in members if s.meeting is not None],
            reason=reason,
        )
    for session in alone:
        assert session.meeting is not None  # for mypy: _by_series keeps only those with one
        diary.cancel_meeting(meeting=session.meeting, reason=reason)
    for session in sessions:
        withdraw_papers_reminders(session=session)
    audit.record(
        action=AuditAction.UPDATE,
        obj=group,
        detail={"sessions_cancelled": [s.pk for s in sessions], "from": first_day.isoformat()},
    )
    return len(sessions)


@transaction.atomic
def move_sessions_from(
    *,
    group: SupervisionGroup,
    by: User,
    first_day: dt.date,
    last_day: dt.date | None = None,
    days: int = 0,
    start_time: dt.time | None = None,
    reason: str = "",
) -> int:
    """Move every session still to come from `first_day` (to `last_day`) by `days` and/or to `start_time`.

    Each keeps its length; everyone is asked to answer again for those moved.
    """
    if not days and start_time is None:
        raise ValidationError("Choose how many days to move the sessions by, or a new start time.")
    sessions = list(sessions_from(group=group, first_day=first_day, last_day=last_day).select_for_update(of=("self",)))
    now = timezone.now()
    moves: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for session in sessions:
        local = timezone.localtime(session.start)
        start = local_datetime_or_error(local.date() + dt.timedelta(days=days), start_time or local.time())
        if start < now:
            raise ValidationError("A session cannot be moved into the past.")
        moves[session.pk] = (start, start + (session.end - session.start))
    for session in sessions:
        session.start, session.end = moves[session.pk]
    SupervisionSession.objects.bulk_update(sessions, ["start", "end"])
    grouped, alone = _by_series(sessions)
    for series_id, members in grouped.items():
        diary_series.move_series_meetings(
            series=MeetingSeries.objects.get(pk=series_id),
            moves=[diary_series.Move(meeting=s.meeting, start=s.start, end=s.end) for s in members if s.meeting],
            reason=reason,
        )
    for session in alone:
        assert session.meeting is not None  # for mypy: _by_series keeps only those with one
        diary.reschedule_meeting(meeting=session.meeting, start=session.start, end=session.end, reason=reason)
    for session in sessions:
        refresh_papers_deadline(session=session)
    audit.record(
        action=AuditAction.UPDATE,
        obj=group,
        detail={"sessions_moved": [s.pk for s in sessions], "days": days, "reason_given": bool(reason.strip())},
    )
    return len(sessions)
