"""Diary pages: response links, the organiser's view, feeds, the outbox pages and the demo."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from icalendar import Calendar

from core import schedules
from core.demo_diary import build_demo_meetings
from core.meetings import AttendeeSpec, cancel_meeting, reschedule_meeting, response_token, schedule_meeting
from core.models import AttendeeResponse, KeptEmail, Meeting, MeetingKind, OutboxMessage, OutboxStatus, Team, User
from core.outbox import enqueue_email, send_due_messages

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
    return reverse("core:meeting_response", kwargs={"token": response_token(attendee, answer)})


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
    assert Client().get(reverse("core:meeting_response", kwargs={"token": other_purpose})).status_code == 404


def test_the_organiser_sees_who_has_answered(meeting: Meeting, gina: User, client_for: ClientFor) -> None:
    Client().post(_respond_url(meeting, "partner@agency.example.org", "tentative"))
    page = client_for(gina).get(reverse("core:meeting_detail", kwargs={"pk": meeting.pk}))
    assert page.status_code == 200
    assert b"1 of 2 have answered" in page.content
    assert b"Tentative" in page.content


def test_a_personal_feed_is_shown_once_lists_my_meetings_minimally_and_can_be_replaced_or_stopped(
    meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    client.post(reverse("core:calendar_feed_create"))
    page = client.get(reverse("core:diary"))
    feed_url = page.context["new_feed_url"]
    assert feed_url and feed_url.encode() in page.content
    assert client.get(reverse("core:diary")).context["new_feed_url"] is None  # shown once
    path = feed_url.removeprefix("http://127.0.0.1:8000")
    feed = Client().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [meeting.uid]
    assert b"FS-2026-0001" not in feed.content and b"ATTENDEE" not in feed.content
    client.post(reverse("core:calendar_feed_create"))
    assert Client().get(path).status_code == 404  # the old link stopped
    new_path = client.get(reverse("core:diary")).context["new_feed_url"].removeprefix("http://127.0.0.1:8000")
    assert Client().get(new_path).status_code == 200
    client.post(reverse("core:calendar_feed_revoke"))
    assert Client().get(new_path).status_code == 404


def test_an_administrator_sees_dead_messages_and_can_send_one_again(ada: User, client_for: ClientFor) -> None:
    message = enqueue_email(
        to=["x@example.gov.uk"],
        template="notice",
        context={"subject": "Hello", "body": "b"},
        idempotency_key="views:dead",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.DEAD, attempts=6, last_error="554 Rejected")
    client = client_for(ada)
    listing = client.get(reverse("core:outbox_list"))
    assert b"OFFICIAL-SENSITIVE: Hello" in listing.content
    detail = client.get(reverse("core:outbox_detail", kwargs={"pk": message.pk}))
    assert b"554 Rejected" in detail.content
    client.post(reverse("core:outbox_retry", kwargs={"pk": message.pk}))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)


def test_an_administrator_can_send_every_failed_message_again_after_an_outage(
    ada: User, alice: User, client_for: ClientFor
) -> None:
    for n in range(3):
        enqueue_email(
            to=["x@example.gov.uk"], template="notice", context={"subject": "s", "body": "b"}, idempotency_key=f"d{n}"
        )
    OutboxMessage.objects.update(status=OutboxStatus.DEAD, attempts=6)
    listing = client_for(ada).get(reverse("core:outbox_list"))
    assert reverse("core:outbox_retry_dead").encode() in listing.content
    assert client_for(alice).post(reverse("core:outbox_retry_dead")).status_code == 404
    assert OutboxMessage.objects.filter(status=OutboxStatus.DEAD).count() == 3
    response = client_for(ada).post(reverse("core:outbox_retry_dead"))
    assert response.status_code == 302
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}


def test_the_outbox_message_helper_is_404_for_everyone_but_administrators(
    ada: User, alice: User, mo: User, gina: User
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from core.diary_permissions import get_outbox_message_for_user

    message = enqueue_email(
        to=["x@example.gov.uk"], template="notice", context={"subject": "s", "body": "b"}, idempotency_key="perm"
    )
    assert get_outbox_message_for_user(ada, message.pk) == message
    for outsider in (alice, mo, gina, AnonymousUser()):
        with pytest.raises(Http404):
            get_outbox_message_for_user(outsider, message.pk)
    with pytest.raises(Http404):
        get_outbox_message_for_user(ada, message.pk + 1000)


def test_in_demo_mode_a_meeting_invited_moved_and_cancelled_shows_in_the_development_outbox(
    settings: Any, gina: User, alice: User, mo: User, ada: User, client_for: ClientFor
) -> None:
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "core.mail_backends.KeepBackend"
    moved, standing = build_demo_meetings()
    assert (moved.status, moved.sequence, standing.sequence) == ("cancelled", 2, 0)
    kept_to_alice = KeptEmail.objects.filter(to=["alice@example.gov.uk"]).order_by("pk")
    subjects = [k.subject.split(": ", 2)[1] for k in kept_to_alice]
    assert subjects == ["Invitation", "Updated", "Cancelled", "Invitation"]
    client = client_for(ada)
    listing = client.get(reverse("core:development_outbox"))
    assert listing.status_code == 200
    cancellation = kept_to_alice[2]
    detail = client.get(reverse("core:development_outbox_detail", kwargs={"pk": cancellation.pk}))
    assert detail.status_code == 200
    calendar = detail.context["calendars"][0]
    assert calendar["events"][0].method == "CANCEL" and calendar["events"][0].sequence == 2
    assert 'method="CANCEL"' in calendar["content_type"] or "method=CANCEL" in calendar["content_type"]
    assert b"text/calendar" in detail.content


def test_the_development_outbox_is_not_there_outside_demo_mode(ada: User, client_for: ClientFor, settings: Any) -> None:
    settings.DEMO_MODE = settings.DEBUG = False
    assert client_for(ada).get(reverse("core:development_outbox")).status_code == 404


def test_the_account_invitation_email_goes_through_the_outbox(ada: User) -> None:
    from core import services
    from core.models import Role

    invitation, _token = services.invite_user(
        invited_by=ada, email="new@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )
    from core import emails

    emails.send_invitation(invitation=invitation, link="http://example/x")
    message = OutboxMessage.objects.get(idempotency_key=f"invitation:{invitation.pk}")
    assert message.to == ["new@example.gov.uk"]
    assert message.subject.startswith("OFFICIAL-SENSITIVE: ")


def test_setting_up_schedules_is_idempotent_and_removes_undeclared_ones(db: None) -> None:
    Schedule.objects.create(name="kinfolk.old.job", func="core.tasks.sweep_outbox", schedule_type=Schedule.HOURLY)
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    assert "removed: kinfolk.old.job" in out.getvalue()
    declared = {s.name for s in schedules.SCHEDULES}
    assert set(Schedule.objects.values_list("name", flat=True)) == declared
    assert schedules.setup_schedules()["unchanged"] == sorted(declared, key=[s.name for s in schedules.SCHEDULES].index)
    sweep = Schedule.objects.get(name="kinfolk.outbox.sweep")
    assert (sweep.func, sweep.schedule_type, sweep.minutes, sweep.repeats) == ("core.tasks.sweep_outbox", "I", 1, -1)


def test_the_job_settings_keep_task_timeouts_under_the_retry_and_catch_up_off(settings: Any) -> None:
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]
    assert settings.Q_CLUSTER["catch_up"] is False
    assert settings.Q_CLUSTER["timeout"] < settings.KINFOLK_OUTBOX_LEASE_SECONDS


def test_the_tasks_named_by_the_schedules_exist() -> None:
    import importlib

    for declared in schedules.SCHEDULES:
        module, _, name = declared.func.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))


def test_the_periodic_tasks_run_end_to_end(meeting: Meeting, smtp_server: Any) -> None:
    from core import tasks

    assert tasks.sweep_outbox() == 2
    assert tasks.send_due_reminders() == {}
    assert len(smtp_server.messages) == 2
    assert send_due_messages() == 0


def test_the_outbox_page_hides_the_credentials_inside_links(client_for, ada, north) -> None:
    from core import services
    from core.models import OutboxMessage, Role

    _invitation, token = services.invite_user(
        invited_by=ada, email="new@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )
    message = OutboxMessage.objects.get(template="invitation")
    assert token in message.text
    response = client_for(ada).get(f"/manage/outbox/{message.pk}/")
    assert response.status_code == 200
    assert token.encode() not in response.content
    assert b"/invitation/[hidden]" in response.content
