"""Demo data for the diary: a meeting invited, moved and cancelled.

Called by the `demo` command, so the development outbox shows an invite, its
update and its cancellation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Team, User
from core.localtime import LONDON, local_datetime
from diary.models import Meeting, MeetingKind
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting, schedule_meeting
from diary.workdays import add_working_days
from outbox.services import send_due_messages

DEMO_LINK = "/diary/"


def build_demo_meetings(*, send_now: bool = True) -> list[Meeting]:
    """Schedule two demo meetings: one moved and then cancelled, one left standing.

    Needs at least one user; uses a GCS coordinator as organiser when there is one.
    `send_now` runs the outbox sweep so the messages appear at once without a worker.
    """
    organiser = (
        User.objects.filter(groups__name=Role.GCS_COORDINATOR.value, is_active=True).first()
        or User.objects.filter(is_active=True).order_by("pk").first()
    )
    if organiser is None:
        raise RuntimeError("build_demo_meetings needs at least one user.")
    team = organiser.teams.first() or Team.objects.first()
    colleagues = list(User.objects.filter(is_active=True, teams=team).exclude(pk=organiser.pk)[:3]) if team else []
    attendees = [AttendeeSpec(user=user) for user in colleagues] + [
        AttendeeSpec(user=organiser),
        AttendeeSpec(email="partner.agency@example.org", required=False),
    ]
    day = add_working_days(timezone.now().astimezone(LONDON).date(), 10)
    start = local_datetime(day, dt.time(10, 0))
    team_name = team.name if team else "Kinfolk"
    rules = [
        ReminderRule("papers-due", "start", offset_working_days=-3),
        ReminderRule("day-before", "start", offset_working_days=-1, late_policy="skip"),
    ]
    with transaction.atomic():
        moved = schedule_meeting(
            kind=MeetingKind.GCS_SESSION,
            title=f"Group Case Supervision – {team_name}",
            organiser=organiser,
            team=team,
            start=start,
            end=start + dt.timedelta(hours=2),
            location="Room 2.14, Civic Centre",
            case_references="FS-DEMO-0001, FS-DEMO-0002",
            link_path=DEMO_LINK,
            attendees=attendees,
            reminder_rules=rules,
        )
        reschedule_meeting(
            meeting=moved,
            start=start + dt.timedelta(days=1, hours=3),
            end=start + dt.timedelta(days=1, hours=5),
            location="Online",
            online_url="https://teams.example.gov.uk/meet/demo",
            reason="The room is needed for a child protection conference.",
        )
        cancel_meeting(meeting=moved, reason="Session merged with next month's.")
        standing = schedule_meeting(
            kind=MeetingKind.FGC,
            title=f"Family Group Conference – {team_name}",
            organiser=organiser,
            team=team,
            start=start + dt.timedelta(days=7),
            end=start + dt.timedelta(days=7, hours=3),
            location="Family Centre, Meeting Room 1",
            case_references="FS-DEMO-0003",
            link_path=DEMO_LINK,
            attendees=attendees,
            reminder_rules=rules,
        )
    if send_now:
        send_due_messages(limit=1000)
    return [moved, standing]
