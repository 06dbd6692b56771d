"""The score of each eligible volunteer for a request, and the lines that explain it.

Scores are whole points, computed for every candidate at once with numpy (one array per
line of the explanation), so ranking 10,000 volunteers takes milliseconds and a candidate's
explanation is read from the very arrays that were summed: the lines always add up to the
score. Every eligible candidate gets `ELIGIBLE_POINTS` for passing the hard rules, so any
proposal is worth more than none (the board then never leaves a request unmatched to gain
points elsewhere, and the optimal total is never below a greedy one's).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from families.models import Locality
from volunteers import availability
from volunteers.models import LivedExperience, Volunteer, VolunteerRequest, VolunteerRole

ELIGIBLE_POINTS = 10
DISTANCE_POINTS = 25  # in the same place; falls to 0 at the edge of how far they travel
REMOTE_POINTS = 15  # remote-only volunteer, and remote contact suits
BEYOND_TRAVEL_REMOTE_POINTS = 5  # too far to meet, but remote contact suits
LANGUAGE_POINTS = 15
SLOT_POINTS, SLOTS_COUNTED = 4, 5
INTEREST_POINTS, INTERESTS_COUNTED = 5, 2
GENDER_POINTS = 10
EXPERIENCE_POINTS = 10
CONTINUITY_POINTS = 10

# Lived experience that helps in each role.
RELEVANT_EXPERIENCE: dict[str, frozenset[str]] = {
    VolunteerRole.CARE_LEAVER_MENTOR: frozenset({LivedExperience.CARE_EXPERIENCED}),
    VolunteerRole.CHILD_AND_FAMILY: frozenset({LivedExperience.PARENT, LivedExperience.KINSHIP_CARER}),
    VolunteerRole.FGC: frozenset({LivedExperience.CARE_EXPERIENCED, LivedExperience.YOUNG_CARER}),
    VolunteerRole.RIGHTS_AND_REPS: frozenset({LivedExperience.CARE_EXPERIENCED}),
}

EARTH_RADIUS_MILES = 3958.8

# Rows as fetched by `Candidates.of`: the locality's name and centre come from a dict of the
# (few) localities rather than per row, and the JSON lists as text parsed in one call; both
# cost more than the query itself at 10,000 volunteers.
COLUMNS = (
    "pk",
    "first_name",
    "last_name",
    "locality_id",
    "locality_lat",
    "locality_lon",
    "travel_miles",
    "remote_only",
    "gender",
    "languages",
    "interests",
    "lived_experience",
    "availability",
    "date_of_birth",
    "capacity",
    "live_matches",
)


class Line(TypedDict):
    label: str
    points: int
    detail: str


def _tag_index(lists: Iterable[Sequence[str]], n: int) -> dict[str, np.ndarray]:
    rows: dict[str, list[int]] = {}
    for i, tags in enumerate(lists):
        for tag in tags or ():
            rows.setdefault(str(tag).strip().lower(), []).append(i)
    index = {}
    for tag, where in rows.items():
        mask = np.zeros(n, dtype=bool)
        mask[where] = True
        index[tag] = mask
    return index


@dataclass
class Candidates:
    """Volunteers as columns of arrays: one fetch, then every request scored against them."""

    rows: list[tuple[Any, ...]]
    ids: np.ndarray = field(init=False)
    lat: np.ndarray = field(init=False)
    lon: np.ndarray = field(init=False)
    centres_lat: np.ndarray = field(init=False)
    centres_lon: np.ndarray = field(init=False)
    centre_of: np.ndarray = field(init=False)  # each volunteer's index into the centres
    travel: np.ndarray = field(init=False)
    remote_only: np.ndarray = field(init=False)
    gender: np.ndarray = field(init=False)
    slots: np.ndarray = field(init=False)
    born: np.ndarray = field(init=False)  # date of birth as a day ordinal
    remaining: np.ndarray = field(init=False)  # capacity less live matches
    languages: dict[str, np.ndarray] = field(init=False)
    interests: dict[str, np.ndarray] = field(init=False)
    lived: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        rows, n = self.rows, len(self.rows)
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
        self.ids = np.array(cols[0], dtype=np.int64)
        self.lat = np.radians(np.array(cols[4], dtype=float))
        self.lon = np.radians(np.array(cols[5], dtype=float))
        # Volunteers live in a few dozen localities: distances are worked out once per locality.
        centres, self.centre_of = np.unique(np.stack([self.lat, self.lon], axis=1), axis=0, return_inverse=True)
        self.centres_lat, self.centres_lon = centres[:, 0], centres[:, 1]
        self.centre_of = self.centre_of.reshape(-1)
        self.travel = np.array(cols[6], dtype=float)
        self.remote_only = np.array(cols[7], dtype=bool)
        self.gender = np.array(cols[8], dtype=object)
        self.slots = np.array(cols[12], dtype=np.int64)
        self.born = np.array([d.toordinal() if d else 0 for d in cols[13]], dtype=np.int64)
        self.remaining = np.array(cols[14], dtype=np.int64) - np.array(cols[15], dtype=np.int64)
        self.languages = _tag_index(cols[9], n)
        self.interests = _tag_index(cols[10], n)
        self.lived = _tag_index(cols[11], n)

    @classmethod
    def of(cls, volunteers: QuerySet[Volunteer]) -> Candidates:
        """`volunteers` must be annotated with `live_matches` (eligibility.available_volunteers)."""
        raw = list(
            volunteers.order_by("pk").values_list(
                "pk",
                "first_name",
                "last_name",
                "locality_id",
                "travel_miles",
                "remote_only",
                "gender",
                Cast("languages", TextField()),
                Cast("interests", TextField()),
                Cast("lived_experience", TextField()),
                "availability",
                "date_of_birth",
                "capacity",
                "live_matches",
            )
        )
        places = {
            pk: (name, float(lat), float(lon))
            for pk, name, lat, lon in Locality.objects.filter(pk__in={r[3] for r in raw}).values_list(
                "pk", "name", "latitude", "longitude"
            )
        }
        lists = json.loads("[" + ",".join(f"[{r[7]},{r[8]},{r[9]}]" for r in raw) + "]") if raw else []
        rows = [
            (r[0], r[1], r[2], places[r[3]][0], places[r[3]][1], places[r[3]][2], *r[4:7], *lists[i], *r[10:])
            for i, r in enumerate(raw)
        ]
        return cls(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def name(self, i: int) -> str:
        return f"{self.rows[i][1]} {self.rows[i][2]}"

    def tag(self, index: dict[str, np.ndarray], tag: str) -> np.ndarray:
        return index.get(tag.strip().lower(), np.zeros(len(self), dtype=bool))


@dataclass(frozen=True)
class Place:
    name: str
    lat: float  # radians
    lon: float


def place_of(request: VolunteerRequest) -> Place:
    locality = request.family.locality if request.family is not None else request.care_leaver.locality  # type: ignore[union-attr]
    return Place(
        locality.name, float(np.radians(float(locality.latitude))), float(np.radians(float(locality.longitude)))
    )


def miles_from(place: Place, cands: Candidates) -> np.ndarray:
    """Haversine distance between locality centre points."""
    lat, lon = cands.centres_lat, cands.centres_lon
    a = np.sin((lat - place.lat) / 2) ** 2 + np.cos(place.lat) * np.cos(lat) * np.sin((lon - place.lon) / 2) ** 2
    miles: np.ndarray = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return miles[cands.centre_of]


@dataclass
class Scores:
    """One request against every candidate: `parts[name]` holds each line's points, `total` their sum."""

    request: VolunteerRequest
    place: Place
    cands: Candidates
    miles: np.ndarray
    parts: dict[str, np.ndarray]
    total: np.ndarray

    def lines(self, i: int) -> list[Line]:
        return explain(self, i)


def score(request: VolunteerRequest, cands: Candidates, *, worked_before: np.ndarray | None = None) -> Scores:
    n = len(cands)
    place = place_of(request)
    miles = miles_from(place, cands)
    within = ~cands.remote_only & (miles <= cands.travel)
    closeness = np.clip(1 - miles / np.maximum(cands.travel, 0.5), 0, 1)
    distance = np.where(within, np.rint(DISTANCE_POINTS * closeness), 0)
    if request.remote_ok:
        distance = np.where(cands.remote_only, REMOTE_POINTS, distance)
        distance = np.where(~cands.remote_only & ~within, BEYOND_TRAVEL_REMOTE_POINTS, distance)
    parts: dict[str, np.ndarray] = {"eligible": np.full(n, ELIGIBLE_POINTS, dtype=np.int64)}
    parts["distance"] = distance.astype(np.int64)
    language = request.preferred_language
    parts["language"] = cands.tag(cands.languages, language) * LANGUAGE_POINTS if language else np.zeros(n)
    overlap = np.bitwise_count(cands.slots & request.preferred_times).astype(np.int64)
    parts["availability"] = np.minimum(overlap, SLOTS_COUNTED) * SLOT_POINTS
    shared = sum((cands.tag(cands.interests, t) for t in set(map(str.lower, request.interests))), np.zeros(n))
    parts["interests"] = np.minimum(shared, INTERESTS_COUNTED) * INTEREST_POINTS
    gender = request.preferred_gender
    parts["gender"] = (cands.gender == gender) * GENDER_POINTS if gender else np.zeros(n)
    relevant = RELEVANT_EXPERIENCE.get(request.role, frozenset())
    lived = np.zeros(n, dtype=bool)
    for kind in relevant:
        lived |= cands.tag(cands.lived, kind)
    parts["experience"] = lived * EXPERIENCE_POINTS
    parts["continuity"] = (worked_before if worked_before is not None else np.zeros(n, dtype=bool)) * CONTINUITY_POINTS
    parts = {k: np.asarray(v, dtype=np.int64) for k, v in parts.items()}
    total = np.sum(np.stack(list(parts.values())), axis=0) if n else np.zeros(0, dtype=np.int64)
    return Scores(request=request, place=place, cands=cands, miles=miles, parts=parts, total=total)


def _distance_detail(s: Scores, i: int) -> str:
    row, remote_ok = s.cands.rows[i], s.request.remote_ok
    if row[7]:
        return "Meets by phone or video only; " + (
            "remote contact suits." if remote_ok else "this request wants meetings in person."
        )
    where = f"{s.miles[i]:.1f} miles between {s.place.name} and {row[3]}, where they live; travels up to {row[6]} miles"
    if s.miles[i] <= row[6]:
        return where + "."
    return where + (": too far to meet, but remote contact suits." if remote_ok else ": too far.")


def explain(s: Scores, i: int) -> list[Line]:
    """Candidate `i`'s score, line by line, read from the arrays that were summed."""
    req, row, p = s.request, s.cands.rows[i], {k: int(v[i]) for k, v in s.parts.items()}
    spoken = ", ".join(row[9]) or "none recorded"
    shared_slots = availability.describe(int(row[12]) & req.preferred_times)
    shared_interests = sorted({t.lower() for t in row[10]} & {t.lower() for t in req.interests})
    relevant = sorted(LivedExperience(x).label for x in row[11] if x in RELEVANT_EXPERIENCE.get(req.role, frozenset()))
    lines: list[Line] = [
        {
            "label": "Passes every hard rule",
            "points": p["eligible"],
            "detail": "Approved, checks valid, room, no conflict.",
        },
        {"label": "Distance", "points": p["distance"], "detail": _distance_detail(s, i)},
        {
            "label": "Language",
            "points": p["language"],
            "detail": (
                f"Wanted: {req.preferred_language}; speaks {spoken}." if req.preferred_language else "No preference."
            ),
        },
        {
            "label": "Availability",
            "points": p["availability"],
            "detail": (
                f"{len(shared_slots)} shared weekly slot(s): {', '.join(shared_slots[:4])}"
                + ("…" if len(shared_slots) > 4 else "")
                if shared_slots
                else ("No shared weekly slots." if req.preferred_times else "No times given.")
            ),
        },
        {
            "label": "Interests",
            "points": p["interests"],
            "detail": f"Shared: {', '.join(shared_interests)}." if shared_interests else "None shared.",
        },
        {
            "label": "Gender",
            "points": p["gender"],
            "detail": (
                f"Preferred: {req.get_preferred_gender_display()}." if req.preferred_gender else "No preference."
            ),
        },
        {
            "label": "Lived experience",
            "points": p["experience"],
            "detail": ", ".join(relevant) + "." if relevant else "None that this role draws on.",
        },
        {
            "label": "Continuity",
            "points": p["continuity"],
            "detail": "Has worked with this family or young person before." if p["continuity"] else "New to them.",
        },
    ]
    return lines
