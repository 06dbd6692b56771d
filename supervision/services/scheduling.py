"""Diarising sessions: a year in one action, and moving or cancelling one.

Each session owns a diary Meeting, so invitations, updates, cancellations and
the meeting reminders all come from diary.services: a moved session moves in
everyone's calendar, and a member added or removed gets invites or
cancellations for the future sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from core.localtime import local_datetime_or_error
from core.models import AuditAction
from diary import ical
from diary import series as diary_series
from diary import services as diary
from diary.models import AttendeeResponse, MeetingKind
from diary.reminders import ReminderRule
from diary.workdays import is_bank_holiday, is_working_day, next_working_day
from supervision.models import SessionStatus, SupervisionGroup, SupervisionSession
from supervision.services.common import attendee_specs, invitees, lock_session, require_aware
from supervision.services.papers import papers_deadline, refresh_papers_deadline, withdraw_papers_reminders

SERIES_DAYS = 365


@dataclass(frozen=True)
class PlannedSession:
    day: dt.date
    usual_day: dt.date
    start: dt.datetime
    end: dt.datetime

    @property
    def moved(self) -> bool:
        return self.day != self.usual_day

    @property
    def note(self) -> str:
        if not self.moved:
            return ""
        why = "a bank holiday" if is_bank_holiday(self.usual_day) else "not a working day"
        return f"Moved from {self.usual_day:%A %-d %B %Y} ({why}) to {self.day:%A %-d %B %Y}."


# A planned date this close to a session the group already has is a clash: shown
# in the preview and left out unless the coordinator chooses it.
CLASH_DAYS = 3


@dataclass(frozen=True)
class PreviewRow:
    planned: PlannedSession
    existing: dt.date | None = None  # the group's session it falls on or near

    @property
    def already_diarised(self) -> bool:
        return self.existing == self.planned.day

    @property
    def clash(self) -> bool:
        return self.existing is not None and not self.already_diarised


@dataclass(frozen=True)
class DiariseResult:
    created: list[SupervisionSession]
    moved: list[PlannedSession]
    already_diarised: list[dt.date]
    clashes_left_out: list[dt.date] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.created


def meeting_title(group: SupervisionGroup) -> str:
    return f"Group Case Supervision – {group.team.name}"


# A session reminder set to 0 working days before goes this many hours before the start.
SAME_DAY_REMINDER_HOURS = 2


def reminder_rules(group: SupervisionGroup) -> list[ReminderRule]:
    return [
        # Everyone invited and not declined: the day-before nudge the evaluation asks for.
        ReminderRule(
            "gcs-session",
            "start",
            offset_working_days=-group.session_reminder_working_days,
            # 0 working days means on the day: two hours before, not at the start
            # (a reminder due as the session begins arrives once it has begun).
            offset_hours=-SAME_DAY_REMINDER_HOURS if group.session_reminder_working_days == 0 else 0,
            template="gcs_session_reminder",
            late_policy="skip",
        ),
        # The organiser (coordinator) hears if minutes are not in by the next working day.
        ReminderRule(
            "gcs-minutes-overdue",
            "end",
            offset_working_days=1,
            template="gcs_minutes_overdue",
            audience="organiser",
        ),
    ]


def first_usual_day(group: SupervisionGroup, day: dt.date) -> dt.date:
    """The first of the group's usual weekdays on or after `day`."""
    return day + dt.timedelta(days=(group.weekday - day.weekday()) % 7)


def plan_series(*, group: SupervisionGroup, first_day: dt.date, until: dt.date | None = None) -> list[PlannedSession]:
    """The sessions of a series on the group's weekday at its cadence, moved off bank holidays.

    A `first_day` that is not the group's usual weekday moves forward to the
    next one (the diarise page says so); a usual day that is not a working day
    moves to the next working day.
    """
    usual = first_usual_day(group, first_day)
    until = until or usual + dt.timedelta(days=SERIES_DAYS - 1)
    planned: list[PlannedSession] = []
    while usual <= until:
        day = usual if is_working_day(usual) else next_working_day(usual)
        # Groups meet Monday to Friday and the clocks change on Sundays, so this
        # never refuses today; it would rather refuse than move a session an hour.
        start = local_datetime_or_error(day, group.start_time)
        planned.append(
            PlannedSession(
                day=day, usual_day=usual, start=start, end=start + dt.timedelta(minutes=group.duration_minutes)
            )
        )
        usual += dt.timedelta(weeks=group.cadence_weeks)
    return planned


@transaction.atomic
def schedule_session(
    *,
    group: SupervisionGroup,
    start: dt.datetime,
    end: dt.datetime,
    by: User,
    location: str | None = None,
    online_url: str | None = None,
    note: str = "",
) -> SupervisionSession:
    require_aware(start, "start")
    require_aware(end, "end")
    session = SupervisionSession(
        group=group,
        start=start,
        end=end,
        location=group.location if location is None else location,
        online_url=group.online_url if online_url is None else online_url,
        schedule_note=note[:250],
        papers_due_at=papers_deadline(group, start),
    )
    session.full_clean(exclude=["meeting"])
    session.save()
    session.meeting = diary.schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title=meeting_title(group),
        organiser=group.coordinator,
        start=start,
        end=end,
        link_path=reverse("supervision:session_detail", kwargs={"pk": session.pk}),
        team=group.team,
        location=session.location,
        online_url=session.online_url,
        attendees=[diary.AttendeeSpec(user=user) for user in invitees(group)],
        reminder_rules=reminder_rules(group),
        description=f"Group Case Supervision for {group.team.name}. Agenda and papers in Kinfolk.",
    )
    session.save(update_fields=["meeting"])
    audit.record(action=AuditAction.CREATE, obj=session, detail={"start": start.isoformat()})
    return session


def preview_series(*, group: SupervisionGroup, first_day: dt.date, until: dt.date | None = None) -> list[PreviewRow]:
    """The planned dates, each with the group's session it falls on or within CLASH_DAYS of."""
    plan = plan_series(group=group, first_day=first_day, until=until)
    if not plan:
        return []
    margin = dt.timedelta(days=CLASH_DAYS)
    existing = sorted(
        timezone.localtime(start).date()
        for start in group.sessions.scheduled()
        .filter(start__date__gte=plan[0].day - margin - dt.timedelta(days=1))
        .filter(start__date__lte=plan[-1].day + margin + dt.timedelta(days=1))
        .values_list("start", flat=True)
    )
    rows = []
    for planned in plan:
        near = [day for day in existing if abs(day - planned.day) <= margin]
        closest = min(near, key=lambda day: abs(day - planned.day)) if near else None
        rows.append(PreviewRow(planned=planned, existing=closest))
    return rows


@transaction.atomic
def diarise_series(
    *,
    group: SupervisionGroup,
    first_day: dt.date,
    by: User,
    until: dt.date | None = None,
    include: Collection[dt.date] = (),
) -> DiariseResult:
    """Diarise a year (or up to `until`) of sessions in one action, written in bulk.

    Dates that already have a session of this group are left alone, and dates
    within CLASH_DAYS of one are left out unless they are in `include`, so
    running it again over the same dates does nothing. The sessions reach
    each person as one recurring invite (diary.series).
    """
    if first_day < timezone.localdate():
        raise ValidationError({"first_day": "The first session must be today or in the future."})
    SupervisionGroup.objects.select_for_update().filter(pk=group.pk).first()
    rows = preview_series(group=group, first_day=first_day, until=until)
    chosen = [r.planned for r in rows if r.existing is None or (r.clash and r.planned.day in include)]
    skipped = [r.planned.day for r in rows if r.already_diarised]
    left_out = [r.planned.day for r in rows if r.clash and r.planned.day not in include]
    created = _write_series(group=group, plan=[r.planned for r in rows], chosen=chosen) if chosen else []
    audit.record(
        action=AuditAction.CREATE,
        obj=group,
        detail={"diarised": len(created), "first_day": first_day.isoformat(), "clashes_left_out": len(left_out)},
    )
    return DiariseResult(
        created=created, moved=[p for p in chosen if p.moved], already_diarised=skipped, clashes_left_out=left_out
    )


def _usual_start(group: SupervisionGroup, planned: PlannedSession) -> dt.datetime:
    return planned.start if not planned.moved else local_datetime_or_error(planned.usual_day, group.start_time)


def _write_series(
    *, group: SupervisionGroup, plan: list[PlannedSession], chosen: list[PlannedSession]
) -> list[SupervisionSession]:
    """Sessions in bulk, and one diary series for them: RRULE over the usual days, EXDATE and RDATE for the rest."""
    sessions = SupervisionSession.objects.bulk_create(
        [
            SupervisionSession(
                group=group,
                start=planned.start,
                end=planned.end,
                location=group.location,
                online_url=group.online_url,
                schedule_note=planned.note[:250],
                papers_due_at=papers_deadline(group, planned.start),
            )
            for planned in chosen
        ]
    )
    chosen_days = {p.day for p in chosen}
    exdates = [_usual_start(group, p) for p in plan if p.moved or p.day not in chosen_days]
    rdates = [p.start for p in chosen if p.moved]
    dtstart = _usual_start(group, plan[0])
    _series, meetings = diary_series.schedule_series(
        kind=MeetingKind.GCS_SESSION,
        title=meeting_title(group),
        organiser=group.coordinator,
        link_path=reverse("supervision:group_detail", kwargs={"pk": group.pk}),
        dtstart=dtstart,
        dtend=dtstart + dt.timedelta(minutes=group.duration_minutes),
        rrule=ical.series_rule(weeks=group.cadence_weeks, weekday=group.weekday, until=_usual_start(group, plan[-1])),
        occurrences=[
            diary_series.Occurrence(
                start=p.start,
                end=p.end,
                recurrence_id=p.start if p.moved else _usual_start(group, p),
                link_path=reverse("supervision:session_detail", kwargs={"pk": session.pk}),
            )
            for p, session in zip(chosen, sessions, strict=True)
        ],
        exdates=exdates,
        rdates=rdates,
        team=group.team,
        location=group.location,
        online_url=group.online_url,
        attendees=[diary.AttendeeSpec(user=user) for user in invitees(group)],
        reminder_rules=reminder_rules(group),
        description=f"Group Case Supervision for {group.team.name}. Agenda and papers in Kinfolk.",
    )
    by_start = {m.start: m for m in meetings}
    for session in sessions:
        session.meeting = by_start[session.start]
    SupervisionSession.objects.bulk_update(sessions, ["meeting"])
    return sessions


def _editable(session: SupervisionSession) -> None:
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.end < timezone.now():
        raise ValidationError("This session has already taken place.")


@transaction.atomic
def move_session(
    *,
    session: SupervisionSession,
    by: User,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    location: str | None = None,
    online_url: str | None = None,
    reason: str = "",
) -> SupervisionSession:
    """Change a session's time or place; everyone's calendar and reminders follow.

    A session under way can still change room or link; only a new time in the
    past is refused.
    """
    _editable(lock_session(session.pk))
    before = {"start": session.start.isoformat(), "location": session.location}
    now = timezone.now()
    if start is not None:
        require_aware(start, "start")
        if start != session.start and start < now:
            raise ValidationError({"start": "A session cannot be moved into the past."})
        session.start = start
    if end is not None:
        require_aware(end, "end")
        if end != session.end and end < now:
            raise ValidationError({"end": "A session cannot be moved into the past."})
        session.end = end
    if location is not None:
        session.location = location
    if online_url is not None:
        session.online_url = online_url
    session.full_clean(exclude=["meeting", "papers_due_at"])
    session.save()
    if session.meeting is not None:
        diary.reschedule_meeting(
            meeting=session.meeting,
            start=session.start,
            end=session.end,
            location=session.location,
            online_url=session.online_url,
            reason=reason,
        )
    refresh_papers_deadline(session=session)
    # Never the reason itself: it is free text and may name a family.
    audit.record(
        action=AuditAction.UPDATE, obj=session, detail={"before": before, "reason_given": bool(reason.strip())}
    )
    return session


@transaction.atomic
def cancel_session(*, session: SupervisionSession, by: User, reason: str) -> SupervisionSession:
    _editable(lock_session(session.pk))
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the session is cancelled."})
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()[:250]
    session.save(update_fields=["status", "cancel_reason"])
    if session.meeting is not None:
        diary.cancel_meeting(meeting=session.meeting, reason=session.cancel_reason)
    withdraw_papers_reminders(session=session)
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"cancelled": True})
    return session


def sync_invitations(*, group: SupervisionGroup) -> int:
    """Make every future session's invitation list match the group; returns sessions touched.

    A diarised series changes in bulk and each person gets one email for it;
    a session diarised on its own changes on its own. A session's guests stay
    invited whatever happens to the group's membership.
    """
    people = invitees(group)
    specs = [diary.AttendeeSpec(user=user) for user in people]
    touched = 0
    upcoming = list(
        group.sessions.upcoming().select_related("meeting__series").prefetch_related("guests").exclude(meeting=None)
    )
    guests = {s.meeting_id: {g.email.lower() for g in s.guests.all()} for s in upcoming if s.meeting_id}
    series = {s.meeting.series_id: s.meeting.series for s in upcoming if s.meeting and s.meeting.series_id}
    for one_series in series.values():
        assert one_series is not None  # for mypy: keyed by its id above
        touched += diary_series.set_series_attendees(series=one_series, attendees=specs, keep=guests)
    for session in upcoming:
        assert session.meeting is not None  # excluded above; for mypy
        if session.meeting.series_id is None:
            diary.set_attendees(meeting=session.meeting, attendees=attendee_specs(session, people))
            touched += 1
    return touched


def answered(session: SupervisionSession) -> list[str]:
    """Who has answered the session's invitation, e.g. "Alice Practitioner (accepted)": a new time resets them."""
    if session.meeting is None:
        return []
    rows = session.meeting.attendees.current().exclude(response=AttendeeResponse.NEEDS_ACTION).order_by("name", "pk")
    return [f"{row} ({row.get_response_display().lower()})" for row in rows]
