"""Assertion helpers for emails and parsed .ics files: structure, not string matching."""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

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
