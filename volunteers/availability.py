"""Weekly availability as a bitmask: 7 days x 3 parts of the day, one bit each.

One integer per volunteer and per request, so the overlap of two is one AND and a
bit count, in Python or in the database, at the scale of thousands of volunteers.
"""

from __future__ import annotations

from collections.abc import Iterable

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("morning", "afternoon", "evening")
ALL = (1 << (len(DAYS) * len(PARTS))) - 1


def bit(day: int, part: int) -> int:
    """The bit for a day (0 = Monday) and a part of the day (0 = morning)."""
    if not (0 <= day < len(DAYS) and 0 <= part < len(PARTS)):
        raise ValueError(f"no such slot: day {day}, part {part}")
    return 1 << (day * len(PARTS) + part)


def mask_of(slots: Iterable[tuple[int, int]]) -> int:
    mask = 0
    for day, part in slots:
        mask |= bit(day, part)
    return mask


def slots_of(mask: int) -> list[tuple[int, int]]:
    return [(d, p) for d in range(len(DAYS)) for p in range(len(PARTS)) if mask & bit(d, p)]


def overlap(a: int, b: int) -> int:
    """How many weekly slots two masks share."""
    return (a & b).bit_count()


def describe(mask: int) -> list[str]:
    """ "Monday morning", … for display."""
    return [f"{DAYS[d]} {PARTS[p]}" for d, p in slots_of(mask)]


def choices() -> list[tuple[str, str]]:
    """Form choices: value "day-part", label "Monday morning"."""
    return [(f"{d}-{p}", f"{DAYS[d]} {PARTS[p]}") for d in range(len(DAYS)) for p in range(len(PARTS))]


def mask_from_choices(values: Iterable[str]) -> int:
    slots = []
    for value in values:
        day, _, part = value.partition("-")
        slots.append((int(day), int(part)))
    return mask_of(slots)


def choices_from_mask(mask: int) -> list[str]:
    return [f"{d}-{p}" for d, p in slots_of(mask)]
