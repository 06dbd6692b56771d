"""diary.services: invites, updates and cancellations, sent through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Team, User
from diary.models import AttendeeResponse, Meeting, MeetingKind
from diary.reminders import ReminderRule, send_due_reminders
from diary.responses import ResponseRefused, record_response
from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting, schedule_meeting, set_attendees
from families.models import Locality
from outbox.models import OutboxMessage
from outbox.services import send_due_messages
from tests import factories
from tests.assertions import (
    assert_event,
    assert_exchange_vtimezone,
    assert_in_all_parsers,
    assert_invite_email,
    assert_never_mentions,
    attendees_of,
    html_of,
    text_of,
)
from tests.smtp import SMTPServer

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2031, 3, 28, 10, tzinfo=LONDON)  # the Friday before the clocks go forward


def _schedule(organiser: User, team: Team, attendees: list[AttendeeSpec], **extra: object) -> Meeting:
    fields: dict[str, object] = {
        "kind": MeetingKind.GCS_SESSION,
        "title": "Group Case Supervision – Team North",
        "start": START,
        "end": START + dt.timedelta(hours=2),
        "location": "Room 2.14, Civic Centre",
        "case_references": "FS-2026-0001, FS-2026-0002",
        "link_path": "/gcs/sessions/1/",
        **extra,
    }
    return schedule_meeting(organiser=organiser, team=team, attendees=attendees, **fields)  # type: ignore[arg-type]


def test_every_attendee_gets_an_invite_outlook_recognises(
    smtp_server: SMTPServer, gina: User, alice: User, mo: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo, required=False)])
    assert send_due_messages() == 2
    [to_alice] = smtp_server.to("alice@example.gov.uk")
    cal = assert_invite_email(to_alice, method="REQUEST")
    event = assert_event(
        cal, method="REQUEST", uid=meeting.uid, sequence=0, attendees=["alice@example.gov.uk", "mo@example.gov.uk"]
    )
    assert attendees_of(event)["mo@example.gov.uk"]["ROLE"] == "OPT-PARTICIPANT"
    assert attendees_of(event)["alice@example.gov.uk"]["RSVP"] == "TRUE"
    assert_exchange_vtimezone(cal)
    assert_in_all_parsers(
        cal,
        method="REQUEST",
        uid=meeting.uid,
        sequence=0,
        attendees=["alice@example.gov.uk", "mo@example.gov.uk"],
    )
    assert "FS-2026-0001" in text_of(to_alice)
    # The title already says what kind of meeting it is: it is not said twice.
    assert "What: Group Case Supervision – Team North" in text_of(to_alice).splitlines()
    assert "<td>Group Case Supervision – Team North</td>" in html_of(to_alice)
    assert "/gcs/sessions/1/" in text_of(to_alice)
    assert str(to_alice["From"]).endswith("<kinfolk-diary@example.gov.uk>")


def test_no_invite_update_cancellation_removal_or_reminder_names_a_family_member(
    smtp_server: SMTPServer, gina: User, alice: User, mo: User, north: Team
) -> None:
    locality = Locality.objects.create(name="Ward X", code="WX", latitude=Decimal("51.5"), longitude=Decimal("-0.1"))
    north_family = factories.make_family(team=north, practitioner=alice, locality=locality, children=2)
    family_name = north_family.family_name
    children = [c.first_name for c in north_family.children.all()]
    nan = AttendeeSpec(email="nan@example.com", name=f"Nan {family_name}")
    meeting = _schedule(
        gina,
        north,
        [AttendeeSpec(user=alice), AttendeeSpec(user=mo), nan],
        case_references=north_family.case_reference,
        reminder_rules=[ReminderRule("day-before", "start", offset_working_days=-1)],
    )
    moved_to = START + dt.timedelta(days=7)
    reschedule_meeting(meeting=meeting, start=moved_to, end=moved_to + dt.timedelta(hours=2), reason="Room needed")
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=alice), nan])  # mo removed
    send_due_reminders(now=moved_to - dt.timedelta(hours=1))
    cancel_meeting(meeting=meeting, reason="Merged with next month")
    send_due_messages()
    templates = set(OutboxMessage.objects.values_list("template", flat=True))
    assert templates == {"meeting_invite", "meeting_update", "meeting_removed", "meeting_reminder", "meeting_cancelled"}
    assert len(smtp_server.messages) == OutboxMessage.objects.count()
    for message in smtp_server.messages:
        assert_never_mentions(message, [family_name, *children])


def test_moving_a_meeting_sends_the_same_uid_with_a_higher_sequence_and_asks_again(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    record_response(attendee=meeting.attendees.get(), response=AttendeeResponse.ACCEPTED)
    moved_to = START + dt.timedelta(days=4)  # after the clocks change
    reschedule_meeting(meeting=meeting, start=moved_to, end=moved_to + dt.timedelta(hours=2), reason="Room needed")
    send_due_messages()
    _first, update = smtp_server.to("alice@example.gov.uk")
    cal = assert_invite_email(update, method="REQUEST")
    event = assert_event(cal, method="REQUEST", uid=meeting.uid, sequence=1)
    assert event.DTSTART.astimezone(dt.UTC) == moved_to.astimezone(dt.UTC)
    assert attendees_of(event)["alice@example.gov.uk"]["PARTSTAT"] == "NEEDS-ACTION"
    assert "Room needed" not in text_of(update)
    assert str(update["Subject"]).strip().startswith("OFFICIAL-SENSITIVE: Updated:")
    views = assert_in_all_parsers(
        cal, method="REQUEST", uid=meeting.uid, sequence=1, attendees=["alice@example.gov.uk"]
    )
    assert views["ical.js"]["start_utc"] == moved_to.astimezone(dt.UTC)


REASON = "Mrs Okonkwo in hospital; Tyler's hearing"


def test_a_typed_reason_stays_in_kinfolk_and_the_emails_only_say_there_is_one_with_a_link(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    moved_to = START + dt.timedelta(days=7)
    reschedule_meeting(meeting=meeting, start=moved_to, end=moved_to + dt.timedelta(hours=2), reason=REASON)
    assert Meeting.objects.get().reason == REASON
    cancel_meeting(meeting=meeting, reason=REASON)
    assert Meeting.objects.get().reason == REASON
    send_due_messages()
    _invite, update, cancellation = smtp_server.to("alice@example.gov.uk")
    for message, method in ((update, "REQUEST"), (cancellation, "CANCEL")):
        assert_invite_email(message, method=method)
        assert_never_mentions(message, ["Okonkwo", "hospital", "Tyler", "hearing"])
        assert "A reason was given" in text_of(message) and meeting.link_url in text_of(message)
        assert "A reason was given" in html_of(message) and f'href="{meeting.link_url}"' in html_of(message)


def test_a_change_without_a_reason_does_not_say_there_is_one_or_keep_an_earlier_one(
    smtp_server: SMTPServer, gina: User, alice: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    reschedule_meeting(meeting=meeting, location="Room 1", reason=REASON)
    reschedule_meeting(meeting=meeting, location="Room 3")
    assert Meeting.objects.get().reason == ""
    send_due_messages()
    *_earlier, update = smtp_server.to("alice@example.gov.uk")
    assert "reason" not in text_of(update).lower()


def test_rescheduling_to_the_same_time_and_place_changes_nothing_and_sends_nothing(
    gina: User, alice: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    reschedule_meeting(meeting=meeting, start=START, location="Room 2.14, Civic Centre")
    assert meeting.sequence == 0
    assert OutboxMessage.objects.count() == 1


def test_cancelling_sends_method_cancel_with_status_cancelled_to_everyone(
    smtp_server: SMTPServer, gina: User, alice: User, mo: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    cancel_meeting(meeting=meeting, reason="Merged with next month")
    cancel_meeting(meeting=meeting)  # twice is once
    send_due_messages()
    for address in ("alice@example.gov.uk", "mo@example.gov.uk"):
        _invite, cancellation = smtp_server.to(address)
        cal = assert_invite_email(cancellation, method="CANCEL")
        assert_event(cal, method="CANCEL", uid=meeting.uid, sequence=1, status="CANCELLED")
        assert_in_all_parsers(
            cal,
            method="CANCEL",
            uid=meeting.uid,
            sequence=1,
            attendees=["alice@example.gov.uk", "mo@example.gov.uk"],
        )


def test_an_attendee_who_is_removed_gets_a_cancel_of_their_own_and_the_rest_an_update(
    smtp_server: SMTPServer, gina: User, alice: User, mo: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=alice)])
    send_due_messages()
    _invite, removal = smtp_server.to("mo@example.gov.uk")
    cal = assert_invite_email(removal, method="CANCEL")
    assert_event(cal, method="CANCEL", uid=meeting.uid, sequence=1, status="CANCELLED", attendees=["mo@example.gov.uk"])
    assert_in_all_parsers(cal, method="CANCEL", uid=meeting.uid, sequence=1, attendees=["mo@example.gov.uk"])
    _invite, update = smtp_server.to("alice@example.gov.uk")
    update_cal = assert_invite_email(update, method="REQUEST")
    assert_event(update_cal, method="REQUEST", uid=meeting.uid, sequence=1, attendees=["alice@example.gov.uk"])
    assert_in_all_parsers(update_cal, method="REQUEST", uid=meeting.uid, sequence=1, attendees=["alice@example.gov.uk"])
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_adding_an_attendee_invites_them_and_updates_the_others(
    smtp_server: SMTPServer, gina: User, alice: User, mo: User, north: Team
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=alice), AttendeeSpec(user=mo)])  # no change
    send_due_messages()
    [to_mo] = smtp_server.to("mo@example.gov.uk")
    assert_event(assert_invite_email(to_mo, method="REQUEST"), method="REQUEST", uid=meeting.uid, sequence=1)
    assert len(smtp_server.to("alice@example.gov.uk")) == 2


def test_a_change_that_rolls_back_sends_nothing(gina: User, alice: User, north: Team) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    with pytest.raises(RuntimeError), transaction.atomic():
        reschedule_meeting(
            meeting=meeting, start=START + dt.timedelta(days=1), end=START + dt.timedelta(days=1, hours=1)
        )
        raise RuntimeError("the caller's next step failed")
    assert OutboxMessage.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_a_meeting_must_end_after_it_starts_and_have_aware_times(gina: User, north: Team) -> None:
    with pytest.raises(ValidationError):
        schedule_meeting(kind=MeetingKind.FGC, title="FGC", organiser=gina, start=START, end=START, link_path="/")
    with pytest.raises(ValidationError):
        schedule_meeting(
            kind=MeetingKind.FGC,
            title="FGC",
            organiser=gina,
            start=START.replace(tzinfo=None),
            end=START.replace(tzinfo=None) + dt.timedelta(hours=1),
            link_path="/",
        )
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("start", "says"),
    [
        (dt.datetime(2031, 3, 30, 1, 30, tzinfo=LONDON), "1:30am on 30 March 2031 does not exist"),
        (dt.datetime(2031, 10, 26, 1, 30, tzinfo=LONDON), "1:30am on 26 October 2031 happens twice"),
    ],
)
def test_a_london_time_the_clocks_skip_or_repeat_is_refused_naming_the_change(
    gina: User, north: Team, start: dt.datetime, says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _schedule(gina, north, [], start=start, end=start + dt.timedelta(hours=2))
    [message] = refused.value.message_dict["start"]
    assert message.startswith(says) and "the clocks go" in message
    meeting = _schedule(gina, north, [])
    with pytest.raises(ValidationError) as refused:
        reschedule_meeting(meeting=meeting, start=start - dt.timedelta(hours=2), end=start)
    assert refused.value.message_dict["end"][0].startswith(says)
    assert Meeting.objects.get().start == START


def test_a_response_to_an_older_sequence_is_refused(gina: User, alice: User, north: Team) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    reschedule_meeting(meeting=meeting, location="Room 1")
    with pytest.raises(ResponseRefused):
        record_response(attendee=meeting.attendees.get(), response=AttendeeResponse.ACCEPTED, sequence=0)
    attendee = record_response(attendee=meeting.attendees.get(), response=AttendeeResponse.TENTATIVE, sequence=1)
    assert attendee.response == AttendeeResponse.TENTATIVE


def test_a_removed_attendee_cannot_answer(gina: User, alice: User, mo: User, north: Team) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice), AttendeeSpec(user=mo)])
    removed = meeting.attendees.get(email="mo@example.gov.uk")
    set_attendees(meeting=meeting, attendees=[AttendeeSpec(user=alice)])
    with pytest.raises(ResponseRefused):
        record_response(attendee=removed, response=AttendeeResponse.ACCEPTED)


def test_a_refused_reschedule_leaves_the_callers_meeting_as_it_was(gina: User, alice: User, north: Team) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    moved_to = START + dt.timedelta(days=1)
    with pytest.raises(ValidationError):  # the times are fine; the place is too long for the field
        reschedule_meeting(meeting=meeting, start=moved_to, end=moved_to + dt.timedelta(hours=2), location="x" * 301)
    assert (meeting.sequence, meeting.start, meeting.location) == (0, START, "Room 2.14, Civic Centre")
    with pytest.raises(ValidationError):
        reschedule_meeting(meeting=meeting, start=START + dt.timedelta(days=1))  # would end before it starts
    assert (meeting.sequence, meeting.start) == (0, START)
    assert OutboxMessage.objects.count() == 1


def test_a_change_that_fails_after_writing_leaves_the_callers_meeting_as_it_was(
    gina: User, alice: User, north: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])

    def relay_of_invites_breaks(*args: object, **kwargs: object) -> None:
        raise RuntimeError("rendering the update failed")

    monkeypatch.setattr("diary.services.enqueue_email", relay_of_invites_breaks)
    moved_to = START + dt.timedelta(days=1)
    with pytest.raises(RuntimeError):
        reschedule_meeting(meeting=meeting, start=moved_to, end=moved_to + dt.timedelta(hours=2))
    assert (meeting.sequence, meeting.start) == (0, START)
    with pytest.raises(RuntimeError):
        cancel_meeting(meeting=meeting)
    assert (meeting.sequence, meeting.status) == (0, "scheduled")
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.start, meeting.status) == (0, START, "scheduled")


def test_a_response_to_a_sequence_never_sent_is_refused(gina: User, alice: User, north: Team) -> None:
    meeting = _schedule(gina, north, [AttendeeSpec(user=alice)])
    with pytest.raises(ResponseRefused) as refused:
        record_response(attendee=meeting.attendees.get(), response=AttendeeResponse.ACCEPTED, sequence=5)
    assert refused.value.code == "ahead"
    assert meeting.attendees.get().response == AttendeeResponse.NEEDS_ACTION


def test_a_typed_reason_for_a_move_or_cancellation_is_not_kept_in_the_audit_trail(alice, gina) -> None:
    import datetime as dt

    from django.utils import timezone

    from core.models import AuditEvent
    from diary.models import MeetingKind
    from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting, schedule_meeting

    start = timezone.now() + dt.timedelta(days=5)
    meeting = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – North",
        organiser=gina,
        start=start,
        end=start + dt.timedelta(hours=1),
        link_path="/diary/",
        attendees=[AttendeeSpec(user=alice)],
    )
    reschedule_meeting(
        meeting=meeting,
        start=start + dt.timedelta(hours=2),
        end=start + dt.timedelta(hours=3),
        reason="Mrs Smith is in hospital",
    )
    cancel_meeting(meeting=meeting, reason="Mrs Smith asked to cancel")
    details = [str(e.detail) for e in AuditEvent.objects.filter(object_type="diary.Meeting")]
    assert details
    assert not any("Smith" in d for d in details)


def test_changing_the_organiser_sends_everyone_a_new_version_naming_them(alice, gina, mo) -> None:
    import datetime as dt

    from django.utils import timezone

    from diary.models import MeetingKind
    from diary.services import AttendeeSpec, change_organiser, schedule_meeting
    from outbox.models import OutboxMessage

    start = timezone.now() + dt.timedelta(days=5)
    meeting = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – North",
        organiser=gina,
        start=start,
        end=start + dt.timedelta(hours=1),
        link_path="/diary/",
        attendees=[AttendeeSpec(user=alice)],
    )
    before = meeting.sequence
    change_organiser(meeting=meeting, organiser=mo)
    meeting.refresh_from_db()
    assert meeting.organiser == mo
    assert meeting.sequence == before + 1
    latest = OutboxMessage.objects.filter(to=[alice.email]).order_by("-pk").first()
    assert latest is not None
    assert f"SEQUENCE:{meeting.sequence}" in latest.calendar
    assert "Mo Manager via Kinfolk" in latest.calendar.replace("\r\n ", "")
    # Handing it to the same person again changes nothing.
    change_organiser(meeting=meeting, organiser=mo)
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1
