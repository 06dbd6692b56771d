"""diary.ical: invites that Outlook, Google, Apple and Thunderbird read alike.

Every calendar here is parsed by three independent parsers: icalendar, vobject
and Mozilla's ical.js (through node). vobject and ical.js build the time zone
from the VTIMEZONE in the file, so they test the hand-written Exchange-shaped
block; all three must agree on the UTC instant of meetings either side of the
clock changes for years ahead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from accounts.models import Team, User
from core.ical import summarise
from diary import ical as diary
from diary.models import Meeting, MeetingAttendee, MeetingKind
from tests.assertions import assert_exchange_vtimezone, attendees_of, the_event
from tests.icaljs import parse_with_icaljs

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
TRICKY = "Café – Zoë’s room; floor 2, wing \\ B\nsecond line: «ok» 🙂"


def _meeting(organiser: User, start: dt.datetime, **extra: Any) -> Meeting:
    return Meeting(
        pk=extra.pop("pk", 1),
        kind=extra.pop("kind", MeetingKind.GCS_SESSION),
        title=str(extra.pop("title", "Group Case Supervision – Team North")),
        organiser=organiser,
        start=start,
        end=start + dt.timedelta(hours=1, minutes=30),
        uid=str(extra.pop("uid", "fixed-uid@kinfolk")),
        sequence=int(extra.pop("sequence", 0)),
        link_path="/gcs/sessions/1/",
        updated_at=dt.datetime(2026, 1, 1, tzinfo=UTC),
        **extra,
    )


def _attendee(
    pk: int, email: str, *, user: User | None = None, name: str = "", required: bool = True
) -> MeetingAttendee:
    return MeetingAttendee(pk=pk, email=email, user=user, name=name, required=required)


def _vobject_events(text: str) -> list[tuple[str, dt.datetime, dt.datetime, str, str, str]]:
    cal = vobject.readOne(text)
    return [
        (
            str(ev.uid.value),
            ev.dtstart.value.astimezone(UTC),
            ev.dtend.value.astimezone(UTC),
            str(ev.summary.value),
            str(ev.location.value) if hasattr(ev, "location") else "",
            str(ev.description.value) if hasattr(ev, "description") else "",
        )
        for ev in cal.vevent_list
    ]


def _clock_change_sundays(year: int) -> tuple[dt.date, dt.date]:
    def last_sunday(month: int) -> dt.date:
        day = dt.date(year, month, 31)
        return day - dt.timedelta(days=(day.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def _instants_around_clock_changes(years: range) -> list[dt.datetime]:
    instants = []
    for year in years:
        for sunday in _clock_change_sundays(year):
            for day_offset, clock in ((-1, dt.time(10)), (0, dt.time(0, 30)), (0, dt.time(3, 0)), (1, dt.time(10))):
                naive = dt.datetime.combine(sunday + dt.timedelta(days=day_offset), clock)
                instants.append(naive.replace(tzinfo=LONDON))
    return instants


def test_the_london_vtimezone_has_exchanges_shape(gina: User) -> None:
    cal = diary.build_request(_meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON)), [])
    assert_exchange_vtimezone(cal)
    text = cal.to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text or "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in text
    assert "RDATE" not in text


def test_a_request_names_the_organiser_mailbox_and_asks_each_attendee_to_answer(gina: User, alice: User) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON), sequence=2)
    attendees = [
        _attendee(1, "alice@example.gov.uk", user=alice, name="Alice Practitioner"),
        _attendee(2, "mo@example.gov.uk", user=gina, name="Mo Manager", required=False),
    ]
    cal = diary.build_request(meeting, attendees)
    event = the_event(cal)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "fixed-uid@kinfolk" and event.sequence == 2
    assert str(event["ORGANIZER"]) == "mailto:kinfolk-diary@example.gov.uk"
    found = attendees_of(event)
    assert found["alice@example.gov.uk"] == {
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
        "CN": "Alice Practitioner",
    }
    assert found["mo@example.gov.uk"]["ROLE"] == "OPT-PARTICIPANT"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.DTSTAMP.tzinfo is not None and event.DTSTAMP.utcoffset() == dt.timedelta(0)


def test_an_external_attendee_appears_only_in_their_own_copy_and_never_by_name(gina: User, alice: User) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON))
    staff = _attendee(1, "alice@example.gov.uk", user=alice, name="Alice Practitioner")
    family = _attendee(2, "nan.jones@example.com", name="Nan Jones")
    others_copy = diary.build_request(meeting, [staff, family], recipient=staff)
    own_copy = diary.build_request(meeting, [staff, family], recipient=family)
    assert sorted(attendees_of(the_event(others_copy))) == ["alice@example.gov.uk"]
    assert sorted(attendees_of(the_event(own_copy))) == ["alice@example.gov.uk", "nan.jones@example.com"]
    assert "Nan Jones" not in own_copy.to_ical().decode()


def test_a_cancellation_is_method_cancel_with_status_cancelled(gina: User, alice: User) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON), sequence=3)
    cal = diary.build_cancel(meeting, [_attendee(1, "alice@example.gov.uk", user=alice, name="Alice")])
    event = the_event(cal)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.sequence == 3


def test_all_three_parsers_agree_on_meetings_either_side_of_the_clock_changes_for_years_ahead(gina: User) -> None:
    instants = _instants_around_clock_changes(range(2026, 2036))
    texts = [
        diary.build_request(_meeting(gina, when, uid=f"dst-{i}@kinfolk"), []).to_ical().decode()
        for i, when in enumerate(instants)
    ]
    icaljs = parse_with_icaljs(texts)
    for when, text, js in zip(instants, texts, icaljs, strict=True):
        expected = when.astimezone(UTC)
        parsed = the_event(Calendar.from_ical(text)).DTSTART.astimezone(UTC)
        (_uid, vo_start, _end, *_rest) = _vobject_events(text)[0]
        js_start = dt.datetime.fromisoformat(js["events"][0]["start_utc"].replace("Z", "+00:00"))
        assert (parsed, vo_start, js_start) == (expected, expected, expected), f"disagreement for {when.isoformat()}"
        assert js["events"][0]["start_tzid"] == "Europe/London"


def test_a_meeting_in_the_hour_that_happens_twice_is_one_instant_to_every_parser(gina: User) -> None:
    # Both are 1:30am in London on the Sunday the clocks go back: the first in BST, the second in GMT.
    instants = [dt.datetime(2031, 10, 26, 0, 30, tzinfo=UTC), dt.datetime(2031, 10, 26, 1, 30, tzinfo=UTC)]
    texts = [
        diary.build_request(_meeting(gina, when, uid=f"twice-{i}@kinfolk"), []).to_ical().decode()
        for i, when in enumerate(instants)
    ]
    icaljs = parse_with_icaljs(texts)
    for when, text, js in zip(instants, texts, icaljs, strict=True):
        parsed = the_event(Calendar.from_ical(text)).DTSTART.astimezone(UTC)
        (_uid, vo_start, vo_end, *_rest) = _vobject_events(text)[0]
        js_start = dt.datetime.fromisoformat(js["events"][0]["start_utc"].replace("Z", "+00:00"))
        js_end = dt.datetime.fromisoformat(js["events"][0]["end_utc"].replace("Z", "+00:00"))
        assert (parsed, vo_start, js_start) == (when, when, when), f"disagreement for {when.isoformat()}"
        assert vo_end == js_end == when + dt.timedelta(hours=1, minutes=30)


def test_text_with_commas_semicolons_backslashes_line_breaks_and_non_ascii_round_trips_unchanged(
    gina: User, north: Team
) -> None:
    meeting = _meeting(
        gina,
        dt.datetime(2032, 3, 29, 9, tzinfo=LONDON),
        title=f"Event {TRICKY}",
        location=TRICKY,
        description=TRICKY,
        team=north,
    )
    text = diary.build_request(meeting, []).to_ical().decode()
    expected_description = diary.describe(meeting)
    event = the_event(Calendar.from_ical(text))
    assert (str(event["SUMMARY"]), str(event["LOCATION"]), str(event["DESCRIPTION"])) == (
        meeting.summary,
        TRICKY,
        expected_description,
    )
    (_uid, _start, _end, vo_summary, vo_location, vo_description) = _vobject_events(text)[0]
    assert (vo_summary, vo_location, vo_description) == (meeting.summary, TRICKY, expected_description)
    js = parse_with_icaljs([text])[0]["events"][0]
    assert (js["summary"], js["location"], js["description"]) == (meeting.summary, TRICKY, expected_description)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "a content line is longer than 75 octets"


def test_the_feed_lists_meetings_without_case_references_or_attendees(gina: User, north: Team) -> None:
    meeting = _meeting(
        gina,
        dt.datetime(2031, 7, 1, 10, tzinfo=LONDON),
        case_references="FS-2026-0001",
        # People type case references into titles; the feed must not carry them.
        title="FGC for FS-2026-0001",
        kind=MeetingKind.FGC,
        team=north,
    )
    text = diary.build_feed([meeting], name="Kinfolk – Gina").to_ical().decode()
    assert "FS-2026-0001" not in text
    assert "ATTENDEE" not in text
    assert str(the_event(Calendar.from_ical(text))["SUMMARY"]) == f"Family Group Conference – {north}"
    js = parse_with_icaljs([text])[0]["events"][0]
    assert (js["uid"], js["summary"]) == ("fixed-uid@kinfolk", f"Family Group Conference – {north}")


def test_a_feed_entry_without_a_team_is_summarised_by_its_kind_alone(gina: User) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON), title="Intro for FS-2026-0009")
    event = the_event(diary.build_feed([meeting], name="Kinfolk – Gina"))
    assert str(event["SUMMARY"]) == "Group Case Supervision"


@pytest.mark.parametrize("builder", [diary.build_request, diary.build_cancel])
def test_invites_and_cancellations_are_private_so_delegates_see_only_busy_time(
    gina: User, alice: User, builder: Any
) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON), case_references="FS-2026-0001")
    cal = builder(meeting, [_attendee(1, "alice@example.gov.uk", user=alice, name="Alice")])
    assert str(the_event(cal)["CLASS"]) == "PRIVATE"


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_the_summary_for_people_reads_method_uid_sequence_and_attendees(gina: User, alice: User, method: str) -> None:
    meeting = _meeting(gina, dt.datetime(2031, 7, 1, 10, tzinfo=LONDON), sequence=4)
    builder = diary.build_request if method == "REQUEST" else diary.build_cancel
    cal = builder(meeting, [_attendee(1, "alice@example.gov.uk", user=alice, name="Alice")])
    [summary] = summarise(cal.to_ical())
    assert (summary.method, summary.uid, summary.sequence) == (method, "fixed-uid@kinfolk", 4)
    assert summary.attendees[0].startswith("alice@example.gov.uk")
    assert summary.start.startswith("Tue 01 Jul 2031 10:00")


# --- The organiser mailbox in production settings -------------------------------------

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 64,
    "ALLOWED_HOSTS": "x.gov.uk",
    "KINFOLK_DEMO": "0",
    "KINFOLK_CLAMD_SOCKET": "/run/clamav/clamd.ctl",  # production also needs a malware scanner
}


def test_production_refuses_to_start_without_the_organiser_mailbox() -> None:
    from tests.test_settings import run_settings

    result = run_settings(PRODUCTION)
    assert result.returncode != 0
    assert "KINFOLK_ORGANISER_EMAIL must name the council's organiser mailbox" in result.stderr


@pytest.mark.parametrize(
    "address",
    ["noreply@council.gov.uk", "No-Reply@council.gov.uk", "do_not_reply@council.gov.uk", "kinfolk-noreply@x.gov.uk"],
)
def test_production_refuses_a_no_reply_organiser_mailbox(address: str) -> None:
    from tests.test_settings import run_settings

    result = run_settings({**PRODUCTION, "KINFOLK_ORGANISER_EMAIL": address})
    assert result.returncode != 0
    assert "must be a real, replyable mailbox" in result.stderr


def test_production_starts_with_a_replyable_organiser_mailbox_and_demo_mode_needs_none() -> None:
    from tests.test_settings import run_settings

    assert run_settings({**PRODUCTION, "KINFOLK_ORGANISER_EMAIL": "kinfolk-diary@council.gov.uk"}).returncode == 0
    demo = run_settings({**PRODUCTION, "KINFOLK_DEMO": "1"})
    assert demo.returncode == 0, demo.stderr
