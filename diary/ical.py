"""iCalendar for meetings: pure functions, no database writes and no sending.

Shapes follow RFC 5545/5546 the way Outlook/Exchange, Google and Apple read them:
an invite is METHOD:REQUEST with ORGANIZER and RSVP ATTENDEEs; an update is the
same UID with a higher SEQUENCE; a cancellation is METHOD:CANCEL with
STATUS:CANCELLED. Times carry TZID=Europe/London with the hand-written VTIMEZONE
below. Nothing here ever names a family member: titles are non-identifying,
external attendees are listed only in their own copy, and never by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
)

from core.ical import address, method_of
from core.localtime import repeated_in_london
from diary.models import AttendeeResponse, Meeting, MeetingAttendee, MeetingSeries

LONDON = ZoneInfo("Europe/London")
PRODID = "-//Kinfolk//Diary//EN"

_PARTSTAT = {
    AttendeeResponse.NEEDS_ACTION: "NEEDS-ACTION",
    AttendeeResponse.ACCEPTED: "ACCEPTED",
    AttendeeResponse.TENTATIVE: "TENTATIVE",
    AttendeeResponse.DECLINED: "DECLINED",
}
PARTSTAT_TO_RESPONSE = {value: key.value for key, value in _PARTSTAT.items()}


def london_vtimezone() -> Timezone:
    """Europe/London as Exchange writes it: one STANDARD and one DAYLIGHT yearly rule.

    icalendar's generated blocks list transition dates for a span of years
    instead; parsers that do not extrapolate them put summer meetings a few
    years ahead an hour out.
    """
    tz = Timezone()
    tz.add("tzid", "Europe/London")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1601, 10, 28, 2, 0, 0))  # noqa: DTZ001  (VTIMEZONE onsets are local)
    standard.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}))
    standard.add("tzoffsetfrom", dt.timedelta(hours=1))
    standard.add("tzoffsetto", dt.timedelta(hours=0))
    standard.add("tzname", "GMT")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", dt.datetime(1601, 3, 25, 1, 0, 0))  # noqa: DTZ001  (VTIMEZONE onsets are local)
    daylight.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"}))
    daylight.add("tzoffsetfrom", dt.timedelta(hours=0))
    daylight.add("tzoffsetto", dt.timedelta(hours=1))
    daylight.add("tzname", "BST")
    tz.add_component(standard)
    tz.add_component(daylight)
    return tz


def describe(meeting: Meeting) -> str:
    """The plain-text description in invites: type, team, case references, link."""
    lines = [meeting.get_kind_display()]
    if meeting.team_id:
        lines.append(f"Team: {meeting.team}")
    if meeting.case_reference_list:
        lines.append(f"Case references: {', '.join(meeting.case_reference_list)}")
    if meeting.online_url:
        lines.append(f"Join online: {meeting.online_url}")
    if meeting.description:
        lines += ["", meeting.description]
    lines += ["", f"In Kinfolk: {meeting.link_url}"]
    return "\n".join(lines)


def organiseraddress(meeting: Meeting | MeetingSeries) -> vCalAddress:
    address = vCalAddress(f"mailto:{settings.KINFOLK_ORGANISER_EMAIL}")
    # The organiser's CN names the staff member; the address is the shared mailbox
    # so that calendar replies reach Kinfolk.
    organiser_name = meeting.organiser.get_full_name() if meeting.organiser_id else ""
    address.params["CN"] = f"{organiser_name} via Kinfolk" if organiser_name else settings.KINFOLK_ORGANISER_NAME
    return address


def attendeeaddress(attendee: MeetingAttendee, *, rsvp: bool = True) -> vCalAddress:
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT" if attendee.required else "OPT-PARTICIPANT"
    address.params["PARTSTAT"] = _PARTSTAT[AttendeeResponse(attendee.response)]
    if rsvp:
        address.params["RSVP"] = "TRUE"
    if attendee.is_staff_attendee and attendee.name:
        address.params["CN"] = attendee.name
    return address


def visible_attendees(attendees: Iterable[MeetingAttendee], recipient: MeetingAttendee | None) -> list[MeetingAttendee]:
    """Staff attendees, plus the recipient themselves: external people are never shown to others."""
    return [a for a in attendees if a.is_staff_attendee or (recipient is not None and a.pk == recipient.pk)]


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add_component(london_vtimezone())
    return cal


def feed_summary(meeting: Meeting) -> str:
    """What a subscription feed calls a meeting: its type and team, never its free-text title.

    Titles are written by people and may carry a case reference; a feed is read
    on phones and shared calendars, so it says only what kind of meeting it is.
    """
    kind = meeting.get_kind_display()
    return f"{kind} – {meeting.team}" if meeting.team_id else kind


def _ical_time(moment: dt.datetime) -> dt.datetime:
    """A time as DTSTART/DTEND carry it: London wall time, or UTC in the hour that happens twice.

    `TZID=Europe/London:…T013000` on the day the clocks go back names two
    instants: icalendar and vobject take the first, Mozilla's ical.js the
    second, so Thunderbird would show such a meeting an hour away from Outlook.
    Written in UTC (…T003000Z) it is one instant to every parser. Services
    refuse such times typed as London times; this covers any that arrive as UTC.
    """
    return moment.astimezone(dt.UTC) if repeated_in_london(moment) else moment.astimezone(LONDON)


def _event(
    meeting: Meeting, *, stamp: dt.datetime | None, summary: str | None = None, as_instance: bool = True
) -> Event:
    """One meeting's VEVENT; an instance of a series carries the series' UID and its RECURRENCE-ID."""
    event = Event()
    in_series = as_instance and meeting.series_id is not None and meeting.recurrence_id is not None
    event.add("uid", meeting.calendar_uid if in_series else meeting.uid)
    if in_series:
        assert meeting.recurrence_id is not None  # for mypy: in_series says so
        event.add("recurrence-id", _ical_time(meeting.recurrence_id))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", _ical_time(meeting.start))
    event.add("dtend", _ical_time(meeting.end))
    event.add("summary", meeting.summary if summary is None else summary)
    location = meeting.location or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", meeting.link_url)
    # Delegates and colleagues with shared access to a calendar see a private
    # event as busy time only, not its title, case references or description.
    event.add("class", "PRIVATE")
    event.add(
        "last-modified",
        meeting.updated_at.astimezone(dt.UTC) if meeting.updated_at else timezone.now(),
    )
    return event


def build_request(
    meeting: Meeting,
    attendees: Sequence[MeetingAttendee],
    *,
    recipient: MeetingAttendee | None = None,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """METHOD:REQUEST for a new or changed meeting, as sent to `recipient`."""
    cal = _calendar("REQUEST")
    event = _event(meeting, stamp=stamp)
    event.add("description", describe(meeting))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", organiseraddress(meeting))
    for attendee in visible_attendees(attendees, recipient):
        event.add("attendee", attendeeaddress(attendee))
    # Outlook shows the slot as busy and the invite as a meeting request.
    event.add("x-microsoft-cdo-busystatus", "BUSY")
    event.add("x-microsoft-cdo-intendedstatus", "BUSY")
    cal.add_component(event)
    return cal


def build_cancel(
    meeting: Meeting,
    attendees: Sequence[MeetingAttendee],
    *,
    recipient: MeetingAttendee | None = None,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """METHOD:CANCEL: the whole meeting, or (with one attendee) one person's place in it."""
    cal = _calendar("CANCEL")
    event = _event(meeting, stamp=stamp)
    event.add("description", describe(meeting))
    event.add("status", "CANCELLED")
    event.add("organizer", organiseraddress(meeting))
    for attendee in visible_attendees(attendees, recipient):
        event.add("attendee", attendeeaddress(attendee, rsvp=False))
    event.add("priority", 1)
    event.add("x-microsoft-cdo-busystatus", "FREE")
    cal.add_component(event)
    return cal


def build_feed(meetings: Iterable[Meeting], *, name: str, stamp: dt.datetime | None = None) -> Calendar:
    """A subscription feed: minimal detail (no case references, no attendees)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        # A feed lists each meeting as an event of its own, whatever the invites said.
        event = _event(meeting, stamp=stamp, summary=feed_summary(meeting), as_instance=False)
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal


# --- Series: one recurring event per person -------------------------------------


def series_rule(*, weeks: int, weekday: int, until: dt.datetime) -> str:
    """RRULE value for every `weeks` weeks on `weekday` (0 = Monday) up to `until` (written in UTC)."""
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[weekday]
    return f"FREQ=WEEKLY;INTERVAL={weeks};BYDAY={day};UNTIL={until.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def series_exdates(series: MeetingSeries, meetings: Iterable[Meeting]) -> list[dt.datetime]:
    """Usual instants with no meeting: planned out, or an instance since cancelled."""
    left_out = {dt.datetime.fromisoformat(value) for value in series.exdates}
    cancelled = {m.recurrence_id for m in meetings if m.is_cancelled and m.recurrence_id is not None}
    rdates = {dt.datetime.fromisoformat(value) for value in series.rdates}
    # A cancelled RDATE instance is dropped from RDATE rather than listed in EXDATE.
    return sorted(left_out | (cancelled - rdates))


def series_rdates(series: MeetingSeries, meetings: Iterable[Meeting]) -> list[dt.datetime]:
    cancelled = {m.recurrence_id for m in meetings if m.is_cancelled}
    return sorted(moment for value in series.rdates if (moment := dt.datetime.fromisoformat(value)) not in cancelled)


@dataclass(frozen=True)
class Recurrence:
    """What a master event's RRULE, EXDATE and RDATE say, when it is not the series' own (see rule_until)."""

    rrule: str
    exdates: Sequence[dt.datetime]
    rdates: Sequence[dt.datetime]


def rule_until(rrule: str, until: dt.datetime) -> str:
    """The RRULE value ending at `until`, inclusive (RFC 5545: in UTC when DTSTART has a TZID); no COUNT."""
    value = f"UNTIL={until.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    parts = [part for part in rrule.split(";") if part and part.split("=", 1)[0].upper() != "COUNT"]
    if any(part.split("=", 1)[0].upper() == "UNTIL" for part in parts):
        return ";".join(value if part.split("=", 1)[0].upper() == "UNTIL" else part for part in parts)
    return ";".join([*parts, value])


def is_exception(series: MeetingSeries, meeting: Meeting) -> bool:
    """Whether an instance differs from what the master event says about it."""
    if meeting.is_cancelled:
        return False
    return (
        meeting.sequence > series.sequence
        or meeting.start != meeting.recurrence_id
        or meeting.end - meeting.start != series.dtend - series.dtstart
        or meeting.location != series.location
        or meeting.online_url != series.online_url
    )


def _series_master(
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    *,
    stamp: dt.datetime | None,
    recurrence: Recurrence | None = None,
) -> Event:
    if recurrence is None:
        recurrence = Recurrence(series.rrule, series_exdates(series, meetings), series_rdates(series, meetings))
    event = Event()
    event.add("uid", series.uid)
    event.add("sequence", series.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", _ical_time(series.dtstart))
    event.add("dtend", _ical_time(series.dtend))
    event.add("rrule", vRecur.from_ical(recurrence.rrule))
    # One property per date: Outlook and ical.js read repeated EXDATE/RDATE lines alike.
    for moment in recurrence.exdates:
        event.add("exdate", _ical_time(moment))
    for moment in recurrence.rdates:
        event.add("rdate", _ical_time(moment))
    title = series.title
    kind = series.get_kind_display()
    event.add("summary", title if title.lower().startswith(kind.lower()) else f"{kind}: {title}")
    location = series.location or series.online_url
    if location:
        event.add("location", location)
    event.add("url", series.link_url)
    event.add("class", "PRIVATE")
    event.add("last-modified", (series.updated_at or timezone.now()).astimezone(dt.UTC))
    lines = [kind]
    if series.team_id:
        lines.append(f"Team: {series.team}")
    if series.online_url:
        lines.append(f"Join online: {series.online_url}")
    if series.description:
        lines += ["", series.description]
    lines += ["", f"In Kinfolk: {series.link_url}"]
    event.add("description", "\n".join(lines))
    return event


def build_series_request(
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    attendees: Sequence[MeetingAttendee],
    *,
    recipient: MeetingAttendee | None = None,
    stamp: dt.datetime | None = None,
    recurrence: Recurrence | None = None,
    rsvp: bool = True,
) -> Calendar:
    """METHOD:REQUEST for the whole series: the master and every exception (RFC 5546 §3.2.2.1).

    `attendees` are the series' attendees, one row per person (any meeting's row).
    With `recurrence`, the master names those instants instead of the series' own
    and `meetings` are the instances it keeps: a series ended early for someone
    taken off it (their past dates, as Outlook's own "end by" update leaves them),
    with nothing to answer (`rsvp=False`).
    """
    cal = _calendar("REQUEST")
    master = _series_master(series, meetings, stamp=stamp, recurrence=recurrence)
    events = [master]
    for meeting in meetings:
        if is_exception(series, meeting):
            exception = _event(meeting, stamp=stamp)
            exception.add("description", describe(meeting))
            events.append(exception)
    for event in events:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("organizer", organiseraddress(series))
        for attendee in visible_attendees(attendees, recipient):
            event.add("attendee", attendeeaddress(attendee, rsvp=rsvp))
        event.add("x-microsoft-cdo-busystatus", "BUSY")
        event.add("x-microsoft-cdo-intendedstatus", "BUSY")
        cal.add_component(event)
    return cal


def build_series_cancel(
    series: MeetingSeries,
    meetings: Sequence[Meeting],
    attendee: MeetingAttendee,
    *,
    stamp: dt.datetime | None = None,
) -> Calendar:
    """METHOD:CANCEL of the whole series for one person taken off it."""
    cal = _calendar("CANCEL")
    event = _series_master(series, meetings, stamp=stamp)
    event.add("status", "CANCELLED")
    event.add("organizer", organiseraddress(series))
    event.add("attendee", attendeeaddress(attendee, rsvp=False))
    event.add("priority", 1)
    event.add("x-microsoft-cdo-busystatus", "FREE")
    cal.add_component(event)
    return cal


# --- Replies (iTIP REPLY from Outlook, Google, Apple) -----------------------------


@dataclass(frozen=True)
class ReplyItem:
    uid: str
    sequence: int
    attendee_email: str
    partstat: str
    sent_by: str = ""
    recurrence_id: dt.datetime | None = None  # one instance of a series; None for the whole of it


def parse_reply(data: bytes | str) -> list[ReplyItem]:
    """The attendee answers in a METHOD:REPLY calendar; [] for any other method."""
    cal = Calendar.from_ical(data)
    if method_of(cal) != "REPLY":
        return []
    items = []
    for event in cal.walk("VEVENT"):
        uid = str(event.get("uid", "")).strip()
        sequence = int(event.get("sequence", 0))
        recurrence = event.get("recurrence-id")
        recurrence_id = recurrence.dt.astimezone(dt.UTC) if recurrence is not None else None
        attendees = event.get("attendee")
        if attendees is None:
            continue
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            items.append(
                ReplyItem(
                    uid=uid,
                    sequence=sequence,
                    attendee_email=address(attendee),
                    partstat=partstat,
                    sent_by=address(attendee.params.get("SENT-BY", "")),
                    recurrence_id=recurrence_id,
                )
            )
    return items
