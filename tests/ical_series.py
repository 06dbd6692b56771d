"""Recurring invites read by three parsers: icalendar (with dateutil), vobject and Mozilla's ical.js.

Each expands the master (RRULE, EXDATE, RDATE) and applies the exceptions
(RECURRENCE-ID) the way a calendar shows the series; the tests assert that all
three see the same occurrences, at the same instants, with the same SEQUENCE.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess  # nosec B404: runs our own script with node, no shell
from typing import Any, NamedTuple

import vobject
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from tests.icaljs import ROOT, require_icaljs


class Seen(NamedTuple):
    recurrence_id: dt.datetime
    start: dt.datetime
    end: dt.datetime
    sequence: int


def _utc(moment: Any) -> dt.datetime:
    utc: dt.datetime = moment.astimezone(dt.UTC)
    return utc


def _apply(
    uid: str, occurrences: list[dt.datetime], duration: dt.timedelta, sequence: int, exceptions: dict[dt.datetime, Seen]
) -> list[Seen]:
    seen = [exceptions.get(rid, Seen(rid, rid, rid + duration, sequence)) for rid in map(_utc, occurrences)]
    return sorted(seen)


def _icalendar(text: str) -> dict[str, Any]:
    cal = Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    [master] = [e for e in events if "RECURRENCE-ID" not in e]
    rules = rruleset()
    start = master.DTSTART
    rules.rrule(rrulestr("RRULE:" + master["RRULE"].to_ical().decode(), dtstart=start))
    for name, add in (("EXDATE", rules.exdate), ("RDATE", rules.rdate)):
        values = master.get(name, [])
        for prop in values if isinstance(values, list) else [values]:
            for moment in prop.dts:
                add(moment.dt)
    exceptions = {
        _utc(e["RECURRENCE-ID"].dt): Seen(
            _utc(e["RECURRENCE-ID"].dt), _utc(e.DTSTART), _utc(e.DTEND), int(e.get("SEQUENCE", 0))
        )
        for e in events
        if "RECURRENCE-ID" in e
    }
    sequence = int(master.get("SEQUENCE", 0))
    return {
        "uid": str(master["UID"]),
        "sequence": sequence,
        "occurrences": _apply(str(master["UID"]), list(rules), master.DTEND - start, sequence, exceptions),
    }


def _vobject(text: str) -> dict[str, Any]:
    cal = vobject.readOne(text)
    events = cal.vevent_list
    [master] = [e for e in events if not hasattr(e, "recurrence_id")]
    exceptions = {
        _utc(e.recurrence_id.value): Seen(
            _utc(e.recurrence_id.value), _utc(e.dtstart.value), _utc(e.dtend.value), int(e.sequence.value)
        )
        for e in events
        if hasattr(e, "recurrence_id")
    }
    sequence = int(master.sequence.value)
    duration = master.dtend.value - master.dtstart.value
    return {
        "uid": str(master.uid.value),
        "sequence": sequence,
        "occurrences": _apply(
            str(master.uid.value), list(master.getrruleset(addRDate=True)), duration, sequence, exceptions
        ),
    }


def _icaljs(texts: list[str]) -> list[dict[str, Any]]:
    node = require_icaljs()
    result = subprocess.run(  # noqa: S603  # nosec B603: fixed argv
        [node, str(ROOT / "tests" / "js" / "expand_ics.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    views = []
    for parsed in json.loads(result.stdout):
        [series] = parsed["series"]

        def when(value: str) -> dt.datetime:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))

        views.append(
            {
                "uid": series["uid"],
                "sequence": int(series["sequence"]),
                "occurrences": sorted(
                    Seen(when(o["recurrence_id"]), when(o["start"]), when(o["end"]), int(o["sequence"]))
                    for o in series["occurrences"]
                ),
            }
        )
    return views


def series_in_all_parsers(ics: str | bytes) -> dict[str, dict[str, Any]]:
    """What each parser makes of a recurring invite; asserts that all three agree, and returns it."""
    text = ics.decode() if isinstance(ics, bytes) else ics
    views = {"icalendar": _icalendar(text), "vobject": _vobject(text), "ical.js": _icaljs([text])[0]}
    reference = views["icalendar"]
    for parser, view in views.items():
        assert view == reference, f"{parser} read {view}, icalendar read {reference}"
    return views


def exception_in_all_parsers(ics: str | bytes) -> dict[str, Any]:
    """One instance sent on its own (REQUEST or CANCEL with RECURRENCE-ID): what all three read."""
    text = ics.decode() if isinstance(ics, bytes) else ics
    cal = Calendar.from_ical(text)
    [event] = cal.walk("VEVENT")
    mine = {
        "uid": str(event["UID"]),
        "recurrence_id": _utc(event["RECURRENCE-ID"].dt),
        "start": _utc(event.DTSTART),
        "sequence": int(event["SEQUENCE"]),
    }
    [vevent] = vobject.readOne(text).vevent_list
    theirs = {
        "uid": str(vevent.uid.value),
        "recurrence_id": _utc(vevent.recurrence_id.value),
        "start": _utc(vevent.dtstart.value),
        "sequence": int(vevent.sequence.value),
    }
    assert theirs == mine, f"vobject read {theirs}, icalendar read {mine}"
    node = require_icaljs()
    result = subprocess.run(  # noqa: S603  # nosec B603: fixed argv
        [node, str(ROOT / "tests" / "js" / "expand_ics.mjs")],
        input=json.dumps([text]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [instance] = json.loads(result.stdout)[0]["instances"]
    js = {
        "uid": instance["uid"],
        "recurrence_id": dt.datetime.fromisoformat(instance["recurrence_id"].replace("Z", "+00:00")),
        "start": dt.datetime.fromisoformat(instance["start"].replace("Z", "+00:00")),
        "sequence": int(instance["sequence"]),
    }
    assert js == mine, f"ical.js read {js}, icalendar read {mine}"
    return mine
