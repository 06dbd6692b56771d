"""Calendar replies from Outlook, Google and Apple update responses; strays are ignored."""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from core import itip
from core.meetings import AttendeeSpec, reschedule_meeting, schedule_meeting
from core.models import AttendeeResponse, Meeting, MeetingKind, Team, User

FIXTURES = Path(__file__).parent / "fixtures" / "itip"
START = dt.datetime(2031, 3, 28, 10, tzinfo=ZoneInfo("Europe/London"))


def reply(style: str, *, uid: str, attendee: str, partstat: str, sequence: int = 0, sender: str | None = None) -> bytes:
    def fill(text: str) -> str:
        return (
            text.replace("@@UID@@", uid)
            .replace("@@ATTENDEE@@", attendee)
            .replace("@@PARTSTAT@@", partstat)
            .replace("@@SEQUENCE@@", str(sequence))
            .replace("@@FROM@@", sender or attendee)
        )

    ics = fill((FIXTURES / f"{style}_reply.ics").read_text()).replace("\r\n", "\n").replace("\n", "\r\n")
    encoded = base64.encodebytes(ics.encode()).decode().strip()
    return fill((FIXTURES / f"{style}_reply.eml").read_text()).replace("@@ICS_BASE64@@", encoded).encode()


@pytest.fixture
def meeting(gina: User, alice: User, north: Team) -> Meeting:
    return schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – Team North",
        organiser=gina,
        team=north,
        start=START,
        end=START + dt.timedelta(hours=2),
        link_path="/gcs/sessions/1/",
        attendees=[AttendeeSpec(user=alice), AttendeeSpec(email="partner@agency.example.org")],
    )


def _response(meeting: Meeting, email: str) -> str:
    return meeting.attendees.get(email=email).response


@pytest.mark.parametrize(
    ("style", "partstat", "expected"),
    [
        ("outlook", "ACCEPTED", AttendeeResponse.ACCEPTED),
        ("google", "DECLINED", AttendeeResponse.DECLINED),
        ("apple", "TENTATIVE", AttendeeResponse.TENTATIVE),
    ],
)
def test_a_calendar_clients_reply_updates_the_attendees_response(
    meeting: Meeting, alice: User, style: str, partstat: str, expected: str
) -> None:
    raw = reply(
        style, uid=meeting.uid, attendee="Alice@Example.gov.uk", partstat=partstat, sender="alice@example.gov.uk"
    )
    outcomes = itip.ingest_reply_message(raw)
    assert [o.outcome for o in outcomes] == ["recorded"]
    assert _response(meeting, alice.email) == expected


def test_an_external_attendees_reply_counts_too(meeting: Meeting) -> None:
    raw = reply("google", uid=meeting.uid, attendee="partner@agency.example.org", partstat="ACCEPTED")
    assert [o.outcome for o in itip.ingest_reply_message(raw)] == ["recorded"]
    assert _response(meeting, "partner@agency.example.org") == AttendeeResponse.ACCEPTED


def test_a_reply_to_an_older_sequence_is_ignored(meeting: Meeting, alice: User) -> None:
    reschedule_meeting(meeting=meeting, location="Room 1")
    raw = reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sequence=0)
    assert [o.outcome for o in itip.ingest_reply_message(raw)] == ["stale"]
    assert _response(meeting, alice.email) == AttendeeResponse.NEEDS_ACTION
    raw = reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sequence=1)
    assert [o.outcome for o in itip.ingest_reply_message(raw)] == ["recorded"]


def test_a_reply_from_an_unknown_sender_is_ignored(meeting: Meeting, alice: User) -> None:
    raw = reply("apple", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sender="mallory@example.com")
    assert [o.outcome for o in itip.ingest_reply_message(raw)] == ["unknown-sender"]
    assert _response(meeting, alice.email) == AttendeeResponse.NEEDS_ACTION


def test_a_reply_naming_someone_not_invited_or_an_unknown_meeting_is_ignored(meeting: Meeting) -> None:
    stranger = reply("google", uid=meeting.uid, attendee="mallory@example.com", partstat="ACCEPTED")
    unknown = reply("google", uid="not-ours@example.com", attendee="alice@example.gov.uk", partstat="ACCEPTED")
    assert [o.outcome for o in itip.ingest_reply_message(stranger)] == ["unknown-attendee"]
    assert [o.outcome for o in itip.ingest_reply_message(unknown)] == ["unknown-meeting"]


def test_the_command_reads_a_raw_message_from_a_file(meeting: Meeting, alice: User, tmp_path: Path) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED"))
    out = io.StringIO()
    call_command("ingest_itip_reply", str(path), stdout=out)
    assert out.getvalue().startswith("recorded:")
    assert _response(meeting, alice.email) == AttendeeResponse.ACCEPTED


class FakeIMAP:
    """The outside world: an IMAP mailbox holding one unread reply."""

    instances: ClassVar[list[FakeIMAP]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.messages: dict[bytes, bytes] = {b"1": FakeIMAP.raw}
        self.seen: list[str] = []
        FakeIMAP.instances.append(self)

    raw = b""

    def __enter__(self) -> FakeIMAP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def login(self, user: str, password: str) -> None: ...

    def select(self, folder: str) -> None: ...

    def search(self, charset: Any, criterion: str) -> tuple[str, list[bytes]]:
        return "OK", [b" ".join(self.messages)]

    def fetch(self, number: str, parts: str) -> tuple[str, list[Any]]:
        return "OK", [(b"1 (BODY[] {n}", self.messages[number.encode()]), b")"]

    def store(self, number: str, command: str, flags: str) -> None:
        self.seen.append(number)


def test_the_imap_poller_ingests_unread_replies_and_marks_them_seen(
    meeting: Meeting, alice: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.KINFOLK_IMAP_HOST = "imap.example.gov.uk"
    FakeIMAP.raw = reply("google", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED")
    monkeypatch.setattr("core.itip.imaplib.IMAP4_SSL", FakeIMAP)
    assert itip.poll_mailbox() == 1
    assert FakeIMAP.instances[-1].seen == ["1"]
    assert _response(meeting, alice.email) == AttendeeResponse.ACCEPTED


def test_the_imap_poller_does_nothing_unless_configured(settings: Any) -> None:
    settings.KINFOLK_IMAP_HOST = ""
    assert itip.poll_mailbox() == 0
