"""Access-matrix entries for the diary: meetings by who takes part, public links by their token."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from diary import feeds
from diary.models import MeetingKind
from diary.responses import response_token
from diary.services import AttendeeSpec, schedule_meeting
from tests.access import Entry, same_for_all, signed_in


def setup(world: SimpleNamespace) -> None:
    start = timezone.now() + dt.timedelta(days=7)
    world.meeting = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=world.gina,
        team=world.north,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/gcs/sessions/1/",
        attendees=[AttendeeSpec(user=world.alice), AttendeeSpec(email="partner@agency.example.org")],
    )
    world.response_token = response_token(world.meeting.attendees.get(email="partner@agency.example.org"), "accepted")
    world.feed_token = feeds.create_calendar_feed(user=world.alice)


ENTRIES = [
    Entry("diary:diary", expect=signed_in(200)),
    Entry("diary:diary_week", expect=signed_in(200)),
    Entry("diary:diary_month", expect=signed_in(200)),
    # The organiser, staff attendees and the team's managers; 404 for everyone else, administrators included.
    Entry(
        "diary:meeting_detail",
        kwargs=lambda w: {"pk": w.meeting.pk},
        expect=signed_in(404, alice=200, mo=200, gina=200),
    ),
    Entry("diary:calendar_feed_create", method="POST", expect=signed_in(302)),
    Entry("diary:calendar_feed_revoke", method="POST", expect=signed_in(302)),
    # Public: the secret token is the credential, and it signs no one in.
    Entry("diary:calendar_feed", kwargs=lambda w: {"token": w.feed_token}, expect=same_for_all(200)),
    Entry("diary:meeting_response", kwargs=lambda w: {"token": w.response_token}, expect=same_for_all(200)),
]
