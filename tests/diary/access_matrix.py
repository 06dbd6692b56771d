"""Access-matrix entries for the diary, the outbox and the development outbox (issue 3)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from diary import feeds
from diary.models import MeetingKind
from diary.responses import response_token
from diary.services import AttendeeSpec, schedule_meeting
from outbox.models import KeptEmail, OutboxMessage, OutboxStatus
from outbox.services import enqueue_email
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
    world.dead_message = enqueue_email(
        to=["someone@example.gov.uk"],
        template="notice",
        context={"subject": "s", "body": "b"},
        idempotency_key="matrix:dead",
    )
    OutboxMessage.objects.filter(pk=world.dead_message.pk).update(status=OutboxStatus.DEAD, attempts=6)
    world.kept_email = KeptEmail.objects.create(subject="Kept", from_email="k@example.gov.uk", to=["a@b.c"], raw="")


ENTRIES = [
    Entry("diary:diary", expect=signed_in(200)),
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
    Entry("outbox:outbox_list", expect=signed_in(404, ada=200)),
    Entry("outbox:outbox_detail", kwargs=lambda w: {"pk": w.dead_message.pk}, expect=signed_in(404, ada=200)),
    Entry(
        "outbox:outbox_retry", kwargs=lambda w: {"pk": w.dead_message.pk}, method="POST", expect=signed_in(404, ada=302)
    ),
    Entry("outbox:outbox_retry_dead", method="POST", expect=signed_in(404, ada=302)),
    # Only in demo mode or DEBUG; the matrix runs with production-shaped settings.
    Entry("outbox:development_outbox", expect=signed_in(404)),
    Entry("outbox:development_outbox_detail", kwargs=lambda w: {"pk": w.kept_email.pk}, expect=signed_in(404)),
]
