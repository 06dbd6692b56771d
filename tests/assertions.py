"""Assertion helpers for emails and parsed .ics files: structure, not string matching."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

import vobject
from django.conf import settings
from icalendar import Calendar, Event


def mime_tree(message: EmailMessage) -> list[tuple[int, str]]:
    """(depth, content type) of every part, in order."""

    def walk(part: Any, depth: int) -> list[tuple[int, str]]:
        found = [(depth, part.get_content_type())]
        if part.is_multipart():
            for child in part.iter_parts():
                found += walk(child, depth + 1)
        return found

    return walk(message, 0)


def calendar_alternative(message: EmailMessage) -> Any:
    """The text/calendar part inside multipart/alternative (the one Outlook reads)."""
    for part in message.walk():
        if part.get_content_type() == "multipart/alternative":
            for child in part.iter_parts():
                if child.get_content_type() == "text/calendar":
                    return child
    raise AssertionError(f"No text/calendar part inside multipart/alternative: {mime_tree(message)}")


def ics_attachment(message: EmailMessage) -> Any:
    for part in message.iter_attachments():
        if part.get_filename() == "invite.ics":
            return part
    raise AssertionError(f"No invite.ics attachment: {mime_tree(message)}")


def assert_invite_email(message: EmailMessage, *, method: str) -> Calendar:
    """An invite the way Outlook expects it; returns the parsed calendar."""
    assert message.get_content_type() == "multipart/mixed", mime_tree(message)
    tree = mime_tree(message)
    assert (1, "multipart/alternative") in tree, tree
    alternative = next(p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"], kinds
    part = calendar_alternative(message)
    assert part.get_param("method") == method, part["Content-Type"]
    assert (part.get_content_charset() or "").lower() == "utf-8"
    attachment = ics_attachment(message)
    assert attachment.get_content_type() == "application/ics"
    data = part.get_content()
    assert attachment.get_content().decode() == data, "the attachment and the calendar part differ"
    cal = Calendar.from_ical(data)
    assert str(cal["METHOD"]) == method
    assert_subject_marked(message)
    return cal


def assert_subject_marked(message: EmailMessage) -> None:
    assert str(message["Subject"]).strip().startswith(f"{settings.PROTECTIVE_MARKING}: "), message["Subject"]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


def assert_never_mentions(message: EmailMessage, words: Iterable[str]) -> None:
    """No part of the email (headers, text, HTML, calendar) contains any of `words`."""
    everything = str(message["Subject"]) + "".join(
        str(part.get_content()) if part.get_content_maintype() == "text" else part.get_content().decode()
        for part in message.walk()
        if not part.is_multipart()
    )
    for word in words:
        assert word.lower() not in everything.lower(), f"{word!r} appears in the email"


def the_event(cal: Calendar) -> Event:
    events = cal.walk("VEVENT")
    assert len(events) == 1, f"expected one VEVENT, found {len(events)}"
    event = events[0]
    assert isinstance(event, Event)
    return event


def attendees_of(event: Event) -> dict[str, dict[str, str]]:
    """{email: params} for every ATTENDEE."""
    raw = event.get("attendee") or []
    raw = raw if isinstance(raw, list) else [raw]
    return {str(a).removeprefix("mailto:").lower(): dict(a.params) for a in raw}


def assert_event(
    cal: Calendar,
    *,
    method: str,
    uid: str,
    sequence: int,
    status: str | None = None,
    attendees: Iterable[str] | None = None,
) -> Event:
    assert str(cal["METHOD"]) == method
    event = the_event(cal)
    assert str(event["UID"]) == uid
    assert event.sequence == sequence
    assert "DTSTAMP" in event
    if status is not None:
        assert str(event["STATUS"]) == status
    if attendees is not None:
        assert sorted(attendees_of(event)) == sorted(a.lower() for a in attendees)
    organizer = event["ORGANIZER"]
    assert str(organizer).lower() == f"mailto:{settings.KINFOLK_ORGANISER_EMAIL}".lower()
    assert "no-reply" not in str(organizer).lower() and "noreply" not in str(organizer).lower()
    return event


def assert_exchange_vtimezone(cal: Calendar) -> None:
    """One Europe/London VTIMEZONE: one STANDARD and one DAYLIGHT, each a yearly RRULE with one BYDAY."""
    cal = Calendar.from_ical(cal.to_ical())  # as a recipient reads it
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    zone: Any = zones[0]
    standards = [c for c in zone.subcomponents if c.name == "STANDARD"]
    daylights = [c for c in zone.subcomponents if c.name == "DAYLIGHT"]
    assert len(standards) == 1 and len(daylights) == 1
    block: Any
    for block, month, offset_to in ((standards[0], 10, 0), (daylights[0], 3, 3600)):
        rule: Any = block["RRULE"]
        assert rule["FREQ"] == ["YEARLY"]
        assert rule["BYMONTH"] == [month]
        assert rule["BYDAY"] == ["-1SU"]
        assert "RDATE" not in block
        assert block["TZOFFSETTO"].td.total_seconds() == offset_to


def _icalendar_view(text: str) -> dict[str, Any]:
    cal = Calendar.from_ical(text)
    event = the_event(cal)
    organizer = event.get("ORGANIZER")
    return {
        "method": str(cal.get("METHOD", "")),
        "uid": str(event.get("UID", "")),
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": str(event.get("STATUS", "")),
        "class": str(event.get("CLASS", "")),
        "organizer": str(organizer).removeprefix("mailto:").lower() if organizer is not None else "",
        "attendees": sorted(attendees_of(event)),
        "timezones": [str(z["TZID"]) for z in cal.walk("VTIMEZONE")],
        "start_utc": event.DTSTART.astimezone(dt.UTC),
    }


def _vobject_view(text: str) -> dict[str, Any]:
    cal = vobject.readOne(text)
    [event] = cal.vevent_list

    def value(component: Any, name: str) -> str:
        return str(getattr(component, name).value) if hasattr(component, name) else ""

    return {
        "method": value(cal, "method"),
        "uid": value(event, "uid"),
        "sequence": int(value(event, "sequence") or 0),
        "status": value(event, "status"),
        "class": value(event, "class"),
        "organizer": value(event, "organizer").removeprefix("mailto:").removeprefix("MAILTO:").lower(),
        "attendees": sorted(str(a.value).lower().removeprefix("mailto:") for a in getattr(event, "attendee_list", [])),
        "timezones": [str(z.tzid.value) for z in getattr(cal, "vtimezone_list", [])],
        "start_utc": event.dtstart.value.astimezone(dt.UTC),
    }


def _icaljs_view(parsed: dict[str, Any]) -> dict[str, Any]:
    [event] = parsed["events"]
    return {
        "method": parsed["method"] or "",
        "uid": event["uid"],
        "sequence": int(event["sequence"] or 0),
        "status": event["status"] or "",
        "class": event["class"] or "",
        "organizer": str(event["organizer"]).lower().removeprefix("mailto:"),
        "attendees": sorted(a["email"] for a in event["attendees"]),
        "timezones": parsed["timezones"],
        "start_utc": dt.datetime.fromisoformat(event["start_utc"].replace("Z", "+00:00")),
    }


def assert_in_all_parsers(
    ics: str | bytes | Calendar,
    *,
    method: str,
    uid: str,
    sequence: int,
    attendees: Iterable[str],
) -> dict[str, dict[str, Any]]:
    """icalendar, vobject and Mozilla's ical.js each read the same invite from `ics`.

    Each must find the METHOD, UID, SEQUENCE, exactly these ATTENDEEs, the
    organiser mailbox, the Europe/London VTIMEZONE, CLASS:PRIVATE, and for a
    CANCEL, STATUS:CANCELLED; and all three must agree on the start instant.
    Returns what each parser saw, by parser name.
    """
    from tests.icaljs import parse_with_icaljs

    if isinstance(ics, Calendar):
        ics = ics.to_ical()
    text = ics.decode() if isinstance(ics, bytes) else ics
    views = {
        "icalendar": _icalendar_view(text),
        "vobject": _vobject_view(text),
        "ical.js": _icaljs_view(parse_with_icaljs([text])[0]),
    }
    expected = {
        "method": method,
        "uid": uid,
        "sequence": sequence,
        "attendees": sorted(a.lower() for a in attendees),
        "organizer": settings.KINFOLK_ORGANISER_EMAIL.lower(),
        "timezones": ["Europe/London"],
        "class": "PRIVATE",
    }
    if method == "CANCEL":
        expected["status"] = "CANCELLED"
    for parser, view in views.items():
        seen = {name: view[name] for name in expected}
        assert seen == expected, f"{parser} read {seen}, expected {expected}"
    starts = {parser: view["start_utc"] for parser, view in views.items()}
    assert len(set(starts.values())) == 1, f"the parsers disagree on the start: {starts}"
    return views
