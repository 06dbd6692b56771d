"""Calendar replies from Outlook, Google and Apple update responses; strays are ignored."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from accounts.models import Team, User
from diary import itip
from diary.models import AttendeeResponse, Meeting, MeetingKind
from diary.services import AttendeeSpec, reschedule_meeting, schedule_meeting

FIXTURES = Path(__file__).parent / "fixtures" / "itip"
START = dt.datetime(2031, 3, 28, 10, tzinfo=ZoneInfo("Europe/London"))


def reply(
    style: str,
    *,
    uid: str,
    attendee: str,
    partstat: str,
    sequence: int = 0,
    sender: str | None = None,
    sent_by: str | None = None,
    method: str = "REPLY",
    recurrence_id: dt.datetime | None = None,
) -> bytes:
    def fill(text: str) -> str:
        return (
            text.replace("@@UID@@", uid)
            .replace("@@ATTENDEE@@", attendee)
            .replace("@@PARTSTAT@@", partstat)
            .replace("@@SEQUENCE@@", str(sequence))
            .replace("@@FROM@@", sender or attendee)
        )

    ics = fill((FIXTURES / f"{style}_reply.ics").read_text()).replace("\r\n", "\n").replace("\n", "\r\n")
    ics = ics.replace("METHOD:REPLY", f"METHOD:{method}")
    if recurrence_id is not None:
        # One instance of a series, as Outlook writes it when one date is answered.
        stamp = recurrence_id.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        ics = ics.replace(f"UID:{uid}\r\n", f"UID:{uid}\r\nRECURRENCE-ID:{stamp}\r\n", 1)
    if sent_by:
        ics = ics.replace("ATTENDEE;", f'ATTENDEE;SENT-BY="mailto:{sent_by}";', 1)
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


def test_a_reply_to_a_sequence_never_sent_is_ignored(meeting: Meeting, alice: User) -> None:
    raw = reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED", sequence=meeting.sequence + 1)
    assert [o.outcome for o in itip.ingest_reply_message(raw)] == ["sequence-ahead"]
    assert _response(meeting, alice.email) == AttendeeResponse.NEEDS_ACTION


def test_a_delegate_answering_from_their_own_mailbox_is_not_honoured(meeting: Meeting, alice: User) -> None:
    """SENT-BY is the sender's own claim; only From: the attendee counts (Exchange's "on behalf of" does)."""
    pa = "pa@example.gov.uk"
    from_pa = reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sender=pa, sent_by=pa)
    assert [o.outcome for o in itip.ingest_reply_message(from_pa)] == ["unknown-sender"]
    assert _response(meeting, alice.email) == AttendeeResponse.NEEDS_ACTION
    on_behalf = reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sent_by=pa)
    assert [o.outcome for o in itip.ingest_reply_message(on_behalf)] == ["recorded"]
    assert _response(meeting, alice.email) == AttendeeResponse.DECLINED


def test_ingesting_replies_logs_attendee_ids_never_addresses(
    meeting: Meeting, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    recorded = reply("google", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED")
    stranger = reply("apple", uid=meeting.uid, attendee=alice.email, partstat="DECLINED", sender="mallory@example.com")
    broken = recorded.replace(b"BEGIN:VEVENT", b"BEGIN:VEVENT\r\nDTSTART:not-a-date", 1)
    with caplog.at_level(logging.DEBUG, logger="diary"):
        itip.ingest_reply_message(recorded)
        itip.ingest_reply_message(stranger)
        itip.ingest_reply_message(base64_garbage(broken))
    attendee = meeting.attendees.get(email=alice.email)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("diary"))
    assert f"attendee {attendee.pk}: recorded" in logged
    assert "unknown-sender" in logged
    assert not any(who in logged for who in ("alice", "mallory"))


def base64_garbage(raw: bytes) -> bytes:
    """The message with its calendar part replaced by bytes no parser can read."""
    head, _sep, _rest = raw.partition(b"Content-Transfer-Encoding: base64")
    return (
        head
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"\x00BEGIN:VCALENDAR\nnonsense")
        + b"\r\n"
    )


# --- The IMAP poller -------------------------------------------------------------------

PLAIN = (
    b"From: Bob <bob@example.gov.uk>\r\nTo: kinfolk-diary@example.gov.uk\r\nSubject: Room for Friday?\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nCan we move to room 3?\r\n"
)
MALFORMED = b"\x00\xff not an email at all \r\n\r\n\x80"


class FakeIMAP:
    """The outside world: an IMAP mailbox of unread messages, addressed by UID."""

    instances: ClassVar[list[FakeIMAP]] = []
    mailbox: ClassVar[dict[bytes, bytes]] = {}
    broken: ClassVar[set[bytes]] = set()  # UIDs whose FETCH fails
    flagged: ClassVar[set[str]] = set()  # \\Seen, across sessions as on a real server

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.messages = dict(FakeIMAP.mailbox)
        self.seen: list[str] = []
        self.logins: list[tuple[str, str]] = []
        self.authentications: list[tuple[str, bytes]] = []
        FakeIMAP.instances.append(self)

    def __enter__(self) -> FakeIMAP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        self.logins.append((user, password))

    def authenticate(self, mechanism: str, authobject: Callable[[bytes], bytes]) -> None:
        self.authentications.append((mechanism, authobject(b"")))

    def select(self, folder: str) -> None: ...

    def uid(self, command: str, *args: Any) -> tuple[str, list[Any]]:
        if command == "SEARCH":
            return "OK", [b" ".join(uid for uid in self.messages if uid.decode() not in FakeIMAP.flagged)]
        if command == "FETCH":
            uid = args[0].encode()
            if uid in FakeIMAP.broken:
                raise OSError("the server hung up")
            return "OK", [(b"1 (UID " + uid + b" BODY[] {n}", self.messages[uid]), b")"]
        if command == "STORE":
            assert args[1:] == ("+FLAGS", "(\\Seen)")
            self.seen.append(args[0])
            FakeIMAP.flagged.add(args[0])
            return "OK", []
        raise AssertionError(f"unexpected IMAP command {command}")


@pytest.fixture
def imap(settings: Any, monkeypatch: pytest.MonkeyPatch) -> type[FakeIMAP]:
    settings.KINFOLK_IMAP_HOST = "imap.example.gov.uk"
    settings.KINFOLK_IMAP_USER = "kinfolk-diary@example.gov.uk"
    settings.KINFOLK_IMAP_PASSWORD = "secret"
    settings.KINFOLK_IMAP_OAUTH_TOKEN = ""
    FakeIMAP.mailbox, FakeIMAP.broken, FakeIMAP.flagged = {}, set(), set()
    monkeypatch.setattr("diary.itip.imaplib.IMAP4_SSL", FakeIMAP)
    return FakeIMAP


def test_the_imap_poller_ingests_unread_replies_and_marks_them_seen(
    meeting: Meeting, alice: User, imap: type[FakeIMAP]
) -> None:
    imap.mailbox = {b"7": reply("google", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED")}
    assert itip.poll_mailbox() == 1
    assert imap.instances[-1].seen == ["7"]
    assert imap.instances[-1].logins == [("kinfolk-diary@example.gov.uk", "secret")]
    assert _response(meeting, alice.email) == AttendeeResponse.ACCEPTED


def test_the_imap_poller_leaves_other_mail_unread_and_one_bad_message_does_not_stop_the_rest(
    meeting: Meeting, alice: User, imap: type[FakeIMAP], caplog: pytest.LogCaptureFixture
) -> None:
    request = reply("google", uid=meeting.uid, attendee=alice.email, partstat="ACCEPTED", method="REQUEST")
    imap.mailbox = {
        b"1": PLAIN,  # a person writing to the organiser mailbox
        b"2": MALFORMED,
        b"3": reply("outlook", uid=meeting.uid, attendee=alice.email, partstat="DECLINED"),  # its FETCH fails
        b"4": request,  # a calendar message, but not a reply
        b"5": reply("apple", uid=meeting.uid, attendee="partner@agency.example.org", partstat="TENTATIVE"),
        b"6": reply("google", uid="not-ours@example.com", attendee=alice.email, partstat="ACCEPTED"),
    }
    imap.broken = {b"3"}
    with caplog.at_level(logging.INFO, logger="diary"):
        assert itip.poll_mailbox() == 2
    # Replies are marked read (even one for a meeting that is not ours); everything else stays unread.
    assert imap.instances[-1].seen == ["5", "6"]
    assert _response(meeting, "partner@agency.example.org") == AttendeeResponse.TENTATIVE
    assert _response(meeting, alice.email) == AttendeeResponse.NEEDS_ACTION
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("diary"))
    assert "IMAP message UID 3 (OSError)" in logged
    assert not any(who in logged for who in ("alice", "partner", "bob@"))
    imap.broken = set()  # the next run picks up the one that failed
    assert itip.poll_mailbox() == 1
    assert imap.instances[-1].seen == ["3"]
    assert _response(meeting, alice.email) == AttendeeResponse.DECLINED


def test_the_imap_poller_signs_in_with_xoauth2_when_given_a_token(
    meeting: Meeting, imap: type[FakeIMAP], settings: Any
) -> None:
    settings.KINFOLK_IMAP_OAUTH_TOKEN = "ey.token"
    assert itip.poll_mailbox() == 0
    [fake] = imap.instances[-1:]
    assert fake.logins == []
    assert fake.authentications == [
        ("XOAUTH2", b"user=kinfolk-diary@example.gov.uk\x01auth=Bearer ey.token\x01\x01"),
    ]


def test_the_imap_poller_does_nothing_unless_configured(settings: Any) -> None:
    settings.KINFOLK_IMAP_HOST = ""
    assert itip.poll_mailbox() == 0
