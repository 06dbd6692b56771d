"""Diary pages: response links, the organiser's view, feeds; the diary's periodic tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Team, User
from diary.models import AttendeeResponse, Meeting, MeetingKind
from diary.responses import response_token
from diary.services import AttendeeSpec, cancel_meeting, reschedule_meeting, schedule_meeting
from outbox.services import send_due_messages

ClientFor = Callable[[User], Client]


@pytest.fixture
def meeting(gina: User, alice: User, north: Team) -> Meeting:
    start = timezone.now() + dt.timedelta(days=7)
    return schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/gcs/sessions/1/",
        case_references="FS-2026-0001",
        attendees=[AttendeeSpec(user=alice), AttendeeSpec(email="partner@agency.example.org")],
    )


def _clock_at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    """Move Kinfolk's clock (django.utils.timezone.now), as months passing would."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: when)


def _respond_url(meeting: Meeting, email: str, answer: str) -> str:
    attendee = meeting.attendees.get(email=email)
    return reverse("diary:meeting_response", kwargs={"token": response_token(attendee, answer)})


def test_opening_a_response_link_asks_and_only_the_button_records_the_answer(meeting: Meeting) -> None:
    url = _respond_url(meeting, "partner@agency.example.org", "declined")
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and b"Decline this invitation?" in page.content
    assert meeting.attendees.get(email="partner@agency.example.org").response == AttendeeResponse.NEEDS_ACTION
    done = client.post(url)
    assert done.status_code == 200
    assert meeting.attendees.get(email="partner@agency.example.org").response == AttendeeResponse.DECLINED
    assert "_auth_user_id" not in client.session  # a response link never signs anyone in


def test_someone_signed_in_who_opens_another_persons_link_is_told_whose_answer_it_records(
    meeting: Meeting, mo: User, alice: User, client_for: ClientFor
) -> None:
    url = _respond_url(meeting, alice.email, "accepted")
    warning = "You are signed in as Mo Manager, but this link answers for Alice Practitioner."
    client = client_for(mo)
    asked = client.get(url).content.decode()
    assert warning in asked
    assert "Answer for" in asked and "Alice Practitioner" in asked
    done = client.post(url).content.decode()
    assert warning in done and "Alice Practitioner's answer has been recorded" in done
    assert meeting.attendees.get(email=alice.email).response == AttendeeResponse.ACCEPTED
    own = client_for(alice).get(url).content.decode()
    assert "You are signed in as" not in own and "Alice Practitioner" in own
    external = Client().get(_respond_url(meeting, "partner@agency.example.org", "accepted")).content.decode()
    assert "You are signed in as" not in external and "partner@agency.example.org" in external


def test_a_response_link_for_an_older_version_says_the_invitation_changed(meeting: Meeting) -> None:
    url = _respond_url(meeting, "partner@agency.example.org", "accepted")
    reschedule_meeting(meeting=meeting, location="Room 1")
    assert Client().post(url).status_code == 409
    assert meeting.attendees.get(email="partner@agency.example.org").response == AttendeeResponse.NEEDS_ACTION


def test_a_response_link_for_a_cancelled_meeting_records_nothing(meeting: Meeting) -> None:
    url = _respond_url(meeting, "partner@agency.example.org", "accepted")
    cancel_meeting(meeting=meeting)
    assert Client().post(url).status_code == 409


def test_a_tampered_or_expired_response_link_is_refused(meeting: Meeting) -> None:
    url = _respond_url(meeting, "partner@agency.example.org", "accepted")
    assert Client().get(url.replace("/respond/", "/respond/x")).status_code == 404
    Meeting.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - dt.timedelta(hours=27), end=timezone.now() - dt.timedelta(hours=25)
    )
    assert Client().get(url).status_code == 404


def test_a_response_link_for_a_meeting_eleven_months_ahead_works_until_it_has_ended(
    gina: User, alice: User, north: Team, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = timezone.now() + dt.timedelta(days=335)
    far = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/gcs/sessions/9/",
        attendees=[AttendeeSpec(user=alice)],
    )
    url = _respond_url(far, alice.email, "accepted")
    _clock_at(monkeypatch, start - dt.timedelta(days=1))  # 334 days after the invite went out
    assert Client().get(url).status_code == 200
    assert Client().post(url).status_code == 200
    assert far.attendees.get().response == AttendeeResponse.ACCEPTED
    margin = dt.timedelta(hours=settings.KINFOLK_RESPONSE_LINK_GRACE_HOURS)
    _clock_at(monkeypatch, far.end + margin + dt.timedelta(minutes=1))
    assert Client().get(url).status_code == 404
    assert Client().post(url).status_code == 404


def test_a_response_link_cannot_outlive_the_meeting_it_was_sent_for(
    meeting: Meeting, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expiry is signed into the link: it holds even if the row were later pushed back."""
    url = _respond_url(meeting, "partner@agency.example.org", "accepted")
    later = meeting.end + dt.timedelta(days=30)
    Meeting.objects.filter(pk=meeting.pk).update(end=later)
    assert Client().get(url).status_code == 200
    _clock_at(monkeypatch, meeting.end + dt.timedelta(hours=settings.KINFOLK_RESPONSE_LINK_GRACE_HOURS, minutes=1))
    assert Client().get(url).status_code == 404


def test_a_response_token_is_single_purpose(meeting: Meeting) -> None:
    from django.core import signing

    attendee = meeting.attendees.get(email="partner@agency.example.org")
    other_purpose = signing.dumps({"a": attendee.pk, "r": "accepted", "s": 0}, salt="kinfolk.something-else")
    assert Client().get(reverse("diary:meeting_response", kwargs={"token": other_purpose})).status_code == 404


def test_the_organiser_sees_who_has_answered(meeting: Meeting, gina: User, client_for: ClientFor) -> None:
    Client().post(_respond_url(meeting, "partner@agency.example.org", "tentative"))
    page = client_for(gina).get(reverse("diary:meeting_detail", kwargs={"pk": meeting.pk}))
    assert page.status_code == 200
    assert b"1 of 2 have answered" in page.content
    assert b"Tentative" in page.content


def test_a_personal_feed_is_shown_once_lists_my_meetings_minimally_and_can_be_replaced_or_stopped(
    meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    client.post(reverse("diary:calendar_feed_create"))
    page = client.get(reverse("diary:diary"))
    feed_url = page.context["new_feed_url"]
    assert feed_url and feed_url.encode() in page.content
    assert client.get(reverse("diary:diary")).context["new_feed_url"] is None  # shown once
    path = feed_url.removeprefix("http://127.0.0.1:8000")
    feed = Client().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [meeting.uid]
    assert b"FS-2026-0001" not in feed.content and b"ATTENDEE" not in feed.content
    client.post(reverse("diary:calendar_feed_create"))
    assert Client().get(path).status_code == 404  # the old link stopped
    new_path = client.get(reverse("diary:diary")).context["new_feed_url"].removeprefix("http://127.0.0.1:8000")
    assert Client().get(new_path).status_code == 200
    client.post(reverse("diary:calendar_feed_revoke"))
    assert Client().get(new_path).status_code == 404


def test_the_periodic_tasks_run_end_to_end(meeting: Meeting, smtp_server: Any) -> None:
    from diary import tasks as diary_tasks
    from outbox import tasks as outbox_tasks

    assert outbox_tasks.sweep_outbox() == 2
    assert diary_tasks.send_due_reminders() == {}
    assert len(smtp_server.messages) == 2
    assert send_due_messages() == 0
