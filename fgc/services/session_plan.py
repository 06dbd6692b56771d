"""The rule that plans a child's preparation sessions with their FGC Ambassador, backwards from the conference.

Pure: dates and the ambassador's free times in, a plan out; no database. The rule:
- a session is in one of the ambassador's weekly free times (a day and a part of it:
  morning, afternoon, evening), on a day they are not away and that is not a bank holiday;
- from tomorrow (the child and the ambassador need notice) to the last working day
  before the conference, so the coordinator has a working day to bring the child's
  views together before it;
- the last session as late as that allows, then each earlier one a week before the
  next where the time allows; when the conference is too near for weekly sessions,
  closer, but never on consecutive days;
- three sessions by default; two at least. When the free times cannot hold two, the
  plan says so and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.localtime import LONDON, local_datetime
from diary.workdays import is_bank_holiday, previous_working_day

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("morning", "afternoon", "evening")
# When a session in each part of the day starts: mid-morning, after school, early evening.
PART_STARTS = (dt.time(10, 0), dt.time(16, 0), dt.time(18, 0))
SESSION_LENGTH = dt.timedelta(hours=1)
WANTED = 3
AT_LEAST = 2
AT_MOST = 3
# Days from one session to the next, the widest first: weekly where the time before the conference allows.
GAPS = (7, 6, 5, 4, 3, 2)


def part_of(at: dt.time) -> int:
    """The part of the day a start time falls in: before noon morning, before 5pm afternoon, then evening."""
    if at < dt.time(12, 0):
        return 0
    if at < dt.time(17, 0):
        return 1
    return 2


def last_session_day(conference_day: dt.date) -> dt.date:
    """The latest day a session may be on: the working day before the conference."""
    return previous_working_day(conference_day)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class Availability:
    """The ambassador's free times as the volunteer scheme gives them (volunteers.ambassador_availability)."""

    first_name: str
    email: str
    weekly_slots: frozenset[tuple[int, int]]
    away: tuple[tuple[dt.date, dt.date], ...] = ()

    @classmethod
    def from_scheme(cls, found: Mapping[str, Any]) -> Availability:
        return cls(
            first_name=str(found["volunteer_first_name"]),
            email=str(found["email"]),
            weekly_slots=frozenset((int(day), int(part)) for day, part in found["weekly_slots"]),
            away=tuple((first, last) for first, last in found["away"]),
        )

    def is_away(self, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.away)

    def is_free(self, day: dt.date, part: int) -> bool:
        return (day.weekday(), part) in self.weekly_slots

    def described(self) -> str:
        """ "Monday evening, Saturday morning" or "no times recorded"."""
        if not self.weekly_slots:
            return "no times recorded"
        return ", ".join(f"{DAYS[day]} {PARTS[part]}" for day, part in sorted(self.weekly_slots))


@dataclass(frozen=True, order=True)
class Slot:
    day: dt.date
    part: int

    @property
    def start(self) -> dt.datetime:
        return local_datetime(self.day, PART_STARTS[self.part])


@dataclass(frozen=True)
class Plan:
    slots: tuple[Slot, ...]
    last_day: dt.date
    problem: str = ""

    @property
    def starts(self) -> list[dt.datetime]:
        return [slot.start for slot in self.slots]


def open_slots(*, availability: Availability, conference_day: dt.date, today: dt.date) -> list[Slot]:
    """Every slot a session could take, the latest first."""
    slots: list[Slot] = []
    day = last_session_day(conference_day)
    while day > today:
        if not is_bank_holiday(day) and not availability.is_away(day):
            slots.extend(Slot(day, part) for part in reversed(range(len(PARTS))) if availability.is_free(day, part))
        day -= dt.timedelta(days=1)
    return slots


def _backwards(slots: Iterable[Slot], *, wanted: int, gap: int, keep: Collection[dt.date]) -> list[Slot]:
    """Take the latest slot, then the latest one `gap` days or more before it, and so on.

    Taking the latest first fits the most sessions a gap allows (no other choice leaves
    more room before it). `keep`: days of sessions already planned, kept `gap` days away.
    """
    chosen: list[Slot] = []
    for slot in slots:
        taken = [*keep, *(s.day for s in chosen)]
        if all(abs((slot.day - day).days) >= gap for day in taken):
            chosen.append(slot)
            if len(chosen) == wanted:
                break
    return sorted(chosen)


def plan_sessions(
    *,
    availability: Availability,
    conference_day: dt.date,
    today: dt.date,
    wanted: int = WANTED,
    keep: Collection[dt.date] = (),
) -> Plan:
    """Sessions for the child, earliest first, as widely spaced as `wanted` of them allow.

    With `keep` (the days of the sessions still planned) it finds replacements for
    sessions that must move. A plan with too few sessions carries the reason in `problem`.
    """
    slots = open_slots(availability=availability, conference_day=conference_day, today=today)
    last_day = last_session_day(conference_day)
    best: list[Slot] = []
    for gap in GAPS:
        chosen = _backwards(slots, wanted=wanted, gap=gap, keep=keep)
        if len(chosen) > len(best):
            best = chosen
        if len(chosen) == wanted:
            break
    needed = wanted if keep else min(wanted, AT_LEAST)
    problem = "" if len(best) >= needed else _why_not(availability, last_day, today, len(best), needed)
    return Plan(slots=tuple(best), last_day=last_day, problem=problem)


def _why_not(availability: Availability, last_day: dt.date, today: dt.date, found: int, needed: int) -> str:
    name = availability.first_name or "The ambassador"
    if last_day <= today:
        return (
            f"The conference is too soon: the last session would have to be by {last_day:%A %-d %B}, "
            "and sessions are planned from tomorrow. Move the conference, or prepare the child without the sessions."
        )
    room = "no room for a session" if found == 0 else f"room for only {_plural(found, 'session')}"
    return (
        f"{name}'s free times ({availability.described()}) leave {room} between tomorrow and "
        f"{last_day:%A %-d %B}, the last working day before the conference, "
        f"away from the dates they are away, bank holidays and other sessions: {needed} "
        f"{'is' if needed == 1 else 'are'} needed. Ask the volunteer coordinator whether {name} can "
        "offer more times, or move the conference."
    )


def problems_with(
    *, start: dt.datetime, availability: Availability, conference_day: dt.date, now: dt.datetime
) -> list[str]:
    """Why a session the coordinator chose cannot be at `start` (a London time), or nothing."""
    local = start.astimezone(LONDON)
    day, part = local.date(), part_of(local.time())
    name = availability.first_name or "The ambassador"
    last_day = last_session_day(conference_day)
    if start <= now:
        return ["The session must be in the future."]
    problems = []
    if day > last_day:
        problems.append(f"The session must be by {last_day:%A %-d %B}, the last working day before the conference.")
    if is_bank_holiday(day):
        problems.append(f"{day:%A %-d %B} is a bank holiday: choose another day.")
    if availability.is_away(day):
        problems.append(f"{name} is away on {day:%A %-d %B}: choose another day.")
    if not availability.is_free(day, part):
        problems.append(
            f"{name} is not free on {DAYS[day.weekday()]} {PARTS[part]}s: choose one of their times "
            f"({availability.described()})."
        )
    return problems
