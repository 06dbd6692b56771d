"""The child's preparation sessions with their FGC Ambassador: proposed, confirmed, moved, cancelled, recorded.

Once the conference is booked and the volunteer scheme's ambassador has accepted the
match, `fgc.services.session_plan` proposes two or three sessions backwards from the
conference in the ambassador's free times (asked of the volunteer scheme by name:
fgc imports nothing of it). The coordinator confirms them, changed or not; each becomes
a diary meeting with invites to the ambassador and the coordinator that carry the
referral's reference only. Moving the conference flags the sessions that no longer
fall before it (`flag_for_replanning`, called by the booking service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from core.registry import provided
from diary import services as diary
from diary.models import MeetingKind, MeetingStatus
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec
from fgc.models import (
    ChildVoice,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    PreparationSession,
    Referral,
    SessionStatus,
)
from fgc.services.preparation import BEFORE_THE_DAY, PREPARATION_STATUSES, log_visit, require_preparing
from fgc.services.session_plan import (
    AT_LEAST,
    AT_MOST,
    SESSION_LENGTH,
    Availability,
    Plan,
    last_session_day,
    plan_sessions,
    problems_with,
)

AVAILABILITY = "volunteers.ambassador_availability"
NO_AMBASSADOR = (
    "Ask for an FGC Ambassador for the child first: the sessions are planned in the ambassador's free times."
)
NO_MATCH = "Sessions can be planned once a volunteer has accepted the match: the volunteer coordinator is matching one."
NO_CONFERENCE = "Book the conference first: the sessions are planned backwards from its date."
NO_SCHEME = "The volunteer scheme is not available in Kinfolk here, so the ambassador's free times cannot be seen."


def booked_conference(referral: Referral) -> Conference | None:
    """The referral's booked first conference (the one the sessions prepare the child for)."""
    return referral.conferences.filter(kind=ConferenceKind.INITIAL, status=ConferenceStatus.BOOKED).first()


def conference_day(conference: Conference) -> dt.date:
    return timezone.localtime(conference.start).date()


def ambassador_availability(voice: ChildVoice) -> Availability | None:
    """The matched ambassador's free times, from the volunteer scheme; None without an accepted match."""
    service = provided(AVAILABILITY)
    if voice.ambassador_request_id is None or service is None:
        return None
    found = service(request_id=voice.ambassador_request_id)
    return Availability.from_scheme(found) if found else None


@dataclass
class SessionsState:
    """Where a child's sessions stand, for the pages: what is needed first, or the proposal, and the sessions."""

    voice: ChildVoice | None
    availability: Availability | None = None
    conference: Conference | None = None
    sessions: list[PreparationSession] = field(default_factory=list)
    needed_first: str = ""
    proposal: Plan | None = None

    @property
    def planned(self) -> list[PreparationSession]:
        return [s for s in self.sessions if s.status == SessionStatus.PLANNED]

    @property
    def to_replan(self) -> list[PreparationSession]:
        return [s for s in self.planned if s.needs_replanning]

    @property
    def held(self) -> list[PreparationSession]:
        return [s for s in self.sessions if s.status == SessionStatus.HELD]

    @property
    def last_day(self) -> dt.date | None:
        """The last day a session may be on, once the conference is booked."""
        return last_session_day(conference_day(self.conference)) if self.conference else None


def sessions_state(*, referral: Referral, voice: ChildVoice | None, today: dt.date | None = None) -> SessionsState:
    state = SessionsState(voice=voice)
    if voice is not None:
        state.sessions = list(voice.sessions.select_related("meeting", "visit"))
    if provided(AVAILABILITY) is None:
        state.needed_first = NO_SCHEME
        return state
    if voice is None or voice.ambassador_request_id is None:
        state.needed_first = NO_AMBASSADOR
        return state
    state.conference = booked_conference(referral)
    if state.conference is None and referral.status not in BEFORE_THE_DAY:
        return state  # the conference has been held (or the referral closed): nothing left to plan
    state.availability = ambassador_availability(voice)
    if state.availability is None:
        state.needed_first = NO_MATCH
    elif state.conference is None:
        state.needed_first = NO_CONFERENCE
    elif not state.planned:
        state.proposal = plan_sessions(
            availability=state.availability,
            conference_day=conference_day(state.conference),
            today=today or timezone.localdate(),
        )
    return state


def suggest_new_time(*, session: PreparationSession, state: SessionsState) -> dt.datetime | None:
    """A time for a session that must move: the latest free slot away from the child's other sessions."""
    if state.availability is None or state.conference is None:
        return None
    plan = plan_sessions(
        availability=state.availability,
        conference_day=conference_day(state.conference),
        today=timezone.localdate(),
        wanted=1,
        # Sessions that must move themselves are not kept away from.
        keep=[
            timezone.localtime(s.start).date() for s in state.planned if s.pk != session.pk and not s.needs_replanning
        ],
    )
    return plan.starts[0] if plan.slots else None


# --- Writes --------------------------------------------------------------------------------------


def _ready(voice: ChildVoice) -> tuple[Referral, Conference, Availability]:
    """Lock the referral; refuse unless it is being prepared, is booked and has an accepted ambassador."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("coordinator").get(pk=voice.referral_id)
    require_preparing(referral, statuses=BEFORE_THE_DAY)
    conference = booked_conference(referral)
    if conference is None:
        raise ValidationError(NO_CONFERENCE)
    availability = ambassador_availability(voice)
    if availability is None:
        raise ValidationError(NO_MATCH if provided(AVAILABILITY) is not None else NO_SCHEME)
    return referral, conference, availability


def _check(starts: dict[str, dt.datetime], *, availability: Availability, conference: Conference) -> None:
    """Refuse the times that break the planning rule, each error under its key ("session_1", "start")."""
    day, now = conference_day(conference), timezone.now()
    errors = {
        key: problems
        for key, start in starts.items()
        if (problems := problems_with(start=start, availability=availability, conference_day=day, now=now))
    }
    if errors:
        raise ValidationError(errors)


def _attendees(referral: Referral, availability: Availability) -> list[AttendeeSpec]:
    # The ambassador is named in Kinfolk only (AttendeeSpec names external attendees nowhere else).
    attendees = [AttendeeSpec(email=availability.email, name=availability.first_name)]
    if referral.coordinator is not None and referral.coordinator.email.lower() != availability.email.lower():
        attendees.append(AttendeeSpec(user=referral.coordinator))
    return attendees


def _audit(action: str, session: PreparationSession, referral: Referral, **detail: object) -> None:
    # By id only: neither the child's nor the ambassador's name goes into the audit trail.
    audit.record(
        action=action,
        object_type=session._meta.label,
        object_id=str(session.pk),
        detail={"referral": referral.reference, **detail},
    )


@transaction.atomic
def confirm_sessions(*, voice: ChildVoice, by: User, starts: Sequence[dt.datetime]) -> list[PreparationSession]:
    """The coordinator's confirmed sessions (the proposal, changed or not): each a diary meeting with invites.

    Errors name the session they are about, in the order given: {"session_1": [...]} for the first.
    """
    referral, conference, availability = _ready(voice)
    voice = ChildVoice.objects.select_for_update().get(pk=voice.pk)
    if voice.sessions.planned().exists():
        raise ValidationError("Sessions are already planned for this child: move or cancel them instead.")
    if not AT_LEAST <= len(starts) <= AT_MOST:
        raise ValidationError(f"Plan {AT_LEAST} or {AT_MOST} sessions.")
    days = [timezone.localtime(start).date() for start in starts]
    if len(set(days)) != len(days):
        raise ValidationError("Two sessions are on the same day: choose different days.")
    _check(
        {f"session_{n}": start for n, start in enumerate(starts, start=1)},
        availability=availability,
        conference=conference,
    )
    starts = sorted(starts)
    assert referral.coordinator is not None  # require_preparing refuses an unallocated referral
    sessions = []
    for n, start in enumerate(starts, start=1):
        session = PreparationSession(voice=voice, start=start, end=start + SESSION_LENGTH, planned_by=by)
        session.full_clean()
        session.meeting = diary.schedule_meeting(
            kind=MeetingKind.FGC,
            title=f"FGC preparation session {n} of {len(starts)} – {referral.reference}",
            organiser=referral.coordinator,
            start=start,
            end=session.end,
            link_path=reverse("fgc:preparation", kwargs={"pk": referral.pk}),
            case_references=referral.reference,
            attendees=_attendees(referral, availability),
            reminder_rules=[ReminderRule("day-before", "start", offset_working_days=-1)],
            description="A preparation session with the child before their Family Group Conference, "
            "with their FGC Ambassador. The coordinator confirms where it is held.",
        )
        session.save()
        _audit(AuditAction.CREATE, session, referral, meeting=session.meeting.pk)
        sessions.append(session)
    return sessions


def _locked_session(session: PreparationSession) -> PreparationSession:
    return PreparationSession.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=session.pk)


@transaction.atomic
def move_session(*, session: PreparationSession, by: User, start: dt.datetime) -> PreparationSession:
    """Re-plan a session (one the conference's move left behind, or any planned one): the invites are updated."""
    voice = ChildVoice.objects.get(pk=session.voice_id)
    referral, conference, availability = _ready(voice)
    session = _locked_session(session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(f"This session is {session.get_status_display().lower()}: it cannot be moved.")
    _check({"start": start}, availability=availability, conference=conference)
    day = timezone.localtime(start).date()
    others = voice.sessions.planned().exclude(pk=session.pk)
    if any(timezone.localtime(other.start).date() == day for other in others):
        raise ValidationError({"start": "Another session is planned that day: choose a different day."})
    session.start, session.end, session.needs_replanning = start, start + SESSION_LENGTH, False
    session.full_clean()
    session.save()
    if session.meeting is not None and session.meeting.status == MeetingStatus.SCHEDULED:
        diary.reschedule_meeting(meeting=session.meeting, start=session.start, end=session.end)
    _audit(AuditAction.UPDATE, session, referral, moved=True)
    return session


@transaction.atomic
def cancel_session(*, session: PreparationSession, by: User, reason: str) -> PreparationSession:
    """Cancel a planned session: the ambassador's and coordinator's invites are withdrawn."""
    referral = Referral.objects.select_for_update().get(pk=session.voice.referral_id)
    require_preparing(referral, statuses=PREPARATION_STATUSES)
    session = _locked_session(session)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(f"This session is {session.get_status_display().lower()}: it cannot be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled."})
    session.status, session.cancelled_reason, session.needs_replanning = SessionStatus.CANCELLED, reason.strip(), False
    session.full_clean()
    session.save()
    if session.meeting is not None and session.meeting.status == MeetingStatus.SCHEDULED:
        # The reason stays in Kinfolk: a typed reason may name the child.
        diary.cancel_meeting(meeting=session.meeting, reason="The preparation session is cancelled.")
    _audit(AuditAction.UPDATE, session, referral, cancelled=True)
    return session


@transaction.atomic
def record_outcome(*, session: PreparationSession, by: User, held: bool) -> PreparationSession:
    """Whether the session took place; a held one is logged as a preparation visit with the child."""
    session = _locked_session(session)
    voice = ChildVoice.objects.select_related("referral", "child").get(pk=session.voice_id)
    require_preparing(voice.referral, statuses=PREPARATION_STATUSES)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(f"This session is already recorded as {session.get_status_display().lower()}.")
    if session.start > timezone.now():
        raise ValidationError("A session can be recorded once it has started.")
    session.status = SessionStatus.HELD if held else SessionStatus.NOT_HELD
    session.outcome_by, session.needs_replanning = by, False
    if held:
        session.visit = log_visit(
            referral=voice.referral,
            by=by,
            visited_on=timezone.localtime(session.start).date(),
            child=voice.child,
            notes="Preparation session with the FGC Ambassador.",
        )
    session.save()
    _audit(AuditAction.UPDATE, session, voice.referral, outcome=session.status)
    return session


def flag_for_replanning(*, conference: Conference) -> int:
    """After a booking or a move: planned sessions no longer a working day before the conference need re-planning.

    Sessions that fit again (the conference moved later) lose the flag. Returns how many are flagged.
    """
    last_day = last_session_day(conference_day(conference))
    planned = PreparationSession.objects.planned().filter(voice__referral_id=conference.referral_id)
    flagged = [s.pk for s in planned if timezone.localtime(s.start).date() > last_day]
    planned.exclude(pk__in=flagged).filter(needs_replanning=True).update(needs_replanning=False)
    planned.filter(pk__in=flagged).update(needs_replanning=True)
    return len(flagged)
