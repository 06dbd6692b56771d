// Parses iCalendar texts with Mozilla's ical.js (Thunderbird's parser) and prints
// what Kinfolk's tests assert on, as JSON. Input: a JSON array of .ics strings on stdin.
// Each calendar's own VTIMEZONE is registered, as Thunderbird does for an invite.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const texts = JSON.parse(readFileSync(0, "utf8"));
const out = texts.map((text) => {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const tz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(tz);
  }
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      description: event.description,
      location: event.location,
      status: vevent.getFirstPropertyValue("status"),
      class: vevent.getFirstPropertyValue("class"),
      start_tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      start_utc: event.startDate.toJSDate().toISOString(),
      end_utc: event.endDate.toJSDate().toISOString(),
      attendees: vevent.getAllProperties("attendee").map((p) => ({
        email: String(p.getFirstValue()).replace(/^mailto:/i, "").toLowerCase(),
        role: p.getParameter("role"),
        partstat: p.getParameter("partstat"),
        rsvp: p.getParameter("rsvp"),
        cn: p.getParameter("cn") || null,
      })),
      organizer: String(vevent.getFirstPropertyValue("organizer")),
    };
  });
  return {
    method: root.getFirstPropertyValue("method"),
    timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
    events,
  };
});
process.stdout.write(JSON.stringify(out));
