// Expands recurring events with Mozilla's ical.js (Thunderbird's parser), the way a calendar
// shows them: RRULE, EXDATE and RDATE, with exceptions (RECURRENCE-ID) applied.
// Input: a JSON array of .ics strings on stdin. Output per calendar: its METHOD and, per
// UID, the master's SEQUENCE and each occurrence (recurrence id, start, end, sequence), in UTC.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const texts = JSON.parse(readFileSync(0, "utf8"));
const out = texts.map((text) => {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const tz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(tz);
  }
  const vevents = root.getAllSubcomponents("vevent");
  const masters = vevents.filter((v) => !v.hasProperty("recurrence-id"));
  const exceptions = vevents.filter((v) => v.hasProperty("recurrence-id"));
  const series = masters.map((vevent) => {
    const master = new ICAL.Event(vevent);
    for (const exception of exceptions) {
      if (exception.getFirstPropertyValue("uid") === master.uid) {
        master.relateException(new ICAL.Event(exception));
      }
    }
    const occurrences = [];
    const iterator = master.iterator();
    let next;
    while ((next = iterator.next())) {
      const details = master.getOccurrenceDetails(next);
      occurrences.push({
        recurrence_id: details.recurrenceId.toJSDate().toISOString(),
        start: details.startDate.toJSDate().toISOString(),
        end: details.endDate.toJSDate().toISOString(),
        sequence: details.item.sequence,
      });
      if (occurrences.length > 1000) break;
    }
    return { uid: master.uid, sequence: master.sequence, occurrences };
  });
  const instances = exceptions.map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      recurrence_id: event.recurrenceId.toJSDate().toISOString(),
      start: event.startDate.toJSDate().toISOString(),
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
    };
  });
  return { method: root.getFirstPropertyValue("method"), series, instances };
});
process.stdout.write(JSON.stringify(out));
