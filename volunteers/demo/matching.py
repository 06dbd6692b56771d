"""Demo data for requests and matching: open requests, a matching board with proposals, one accepted.

Runs after the recruitment demo (which approves volunteers through the recruitment
services). Idempotent: nothing is built once the demo practitioners have requests.

Until the recruitment demo is merged, `_approve_for_demo` stands in for it (it writes a
role application's stage directly, which only the recruitment service may do): the lead
removes it at merge.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from families.models import CareLeaver, Family, Locality
from volunteers import availability
from volunteers.matching.board import build_board
from volunteers.models import RoleApplication, Stage, Volunteer, VolunteerRequest, VolunteerRole
from volunteers.services.matching import propose_match
from volunteers.services.requests import make_request

AFTERNOONS = availability.mask_of((d, 1) for d in range(5))
EVENINGS = availability.mask_of((d, 2) for d in range(7))
SATURDAYS = availability.mask_of([(5, 0), (5, 1)])

# (first, last, locality code, gender, languages, interests, lived experience, availability, roles, capacity)
STAND_IN_VOLUNTEERS = [
    (
        "Priya",
        "Kaur",
        "ABB",
        "female",
        ["English", "Punjabi"],
        ["cooking", "art"],
        ["parent"],
        AFTERNOONS,
        ["child_family"],
        2,
    ),
    (
        "Tom",
        "Baker",
        "ELM",
        "male",
        ["English"],
        ["football", "music"],
        ["care_experienced"],
        EVENINGS,
        ["care_leaver_mentor"],
        1,
    ),
    (
        "Rukhsana",
        "Ali",
        "BRK",
        "female",
        ["English", "Bengali"],
        ["reading", "crafts"],
        ["parent"],
        AFTERNOONS | SATURDAYS,
        ["child_family", "fgc"],
        2,
    ),
    (
        "Dan",
        "Okafor",
        "CAS",
        "male",
        ["English"],
        ["football", "gaming"],
        [],
        EVENINGS | SATURDAYS,
        ["care_leaver_mentor", "rights_reps"],
        1,
    ),
    (
        "Ewa",
        "Nowak",
        "FOX",
        "female",
        ["English", "Polish"],
        ["swimming", "art"],
        ["kinship_carer"],
        AFTERNOONS,
        ["child_family"],
        1,
    ),
]

# (case reference or care leaver reference, role, summary, preferences)
REQUESTS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "FS-2026-0101",
        VolunteerRole.CHILD_AND_FAMILY,
        "Maisie and Jack with their mum in Abbotsfield; help with routines and getting out.",
        {"interests": ["art"], "preferred_times": AFTERNOONS},
    ),
    (
        "FS-2026-0102",
        VolunteerRole.CHILD_AND_FAMILY,
        "Aisha and her mum in Brookside; would like someone who speaks Bengali.",
        {"preferred_language": "Bengali", "preferred_gender": "female", "preferred_times": AFTERNOONS},
    ),
    (
        "CL-2026-0012",
        VolunteerRole.CARE_LEAVER_MENTOR,
        "Amira, 20, in Castlegate; starting college and would like a mentor.",
        {"interests": ["music"], "preferred_times": EVENINGS, "remote_ok": True},
    ),
    (
        "CL-2026-0011",
        VolunteerRole.CARE_LEAVER_MENTOR,
        "Kayden, 18, in Elmstead; loves football, new to his own flat.",
        {"interests": ["football"], "preferred_times": EVENINGS},
    ),
    (
        "FS-2026-0105",
        VolunteerRole.CHILD_AND_FAMILY,
        "Harvey, 6, and his dad in Elmstead; support after school.",
        {"preferred_times": AFTERNOONS},
    ),
]


def _approve_for_demo(volunteer: Volunteer, role: str) -> None:
    today = timezone.localdate()
    application, _ = RoleApplication.objects.get_or_create(volunteer=volunteer, role=role)
    RoleApplication.objects.filter(pk=application.pk).update(
        stage=Stage.APPROVED,
        approved_on=today - dt.timedelta(days=90),
        approved_until=today + dt.timedelta(days=3 * 365),
    )


def _stand_in_volunteers(coordinator: User | None) -> None:
    for first, last, code, gender, languages, interests, lived, slots, roles, capacity in STAND_IN_VOLUNTEERS:
        volunteer, created = Volunteer.objects.get_or_create(
            email=f"{first.lower()}.{last.lower()}@volunteer.kinfolk.test",
            defaults={
                "first_name": first,
                "last_name": last,
                "locality": Locality.objects.get(code=code),
                "gender": gender,
                "languages": languages,
                "interests": interests,
                "lived_experience": lived,
                "availability": slots,
                "capacity": capacity,
                "date_of_birth": dt.date(1980, 4, 12),
                "travel_miles": 8,
                "coordinator": coordinator,
            },
        )
        if created:
            for role in roles:
                _approve_for_demo(volunteer, role)


@transaction.atomic
def build() -> list[str]:
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    practitioner, adviser = users.get("practitioner@kinfolk.test"), users.get("pa@kinfolk.test")
    coordinator = users.get("volunteers@kinfolk.test")
    if practitioner is None or adviser is None or coordinator is None:
        return []
    if VolunteerRequest.objects.filter(requested_by__in=[practitioner, adviser]).exists():
        return []
    if not RoleApplication.objects.filter(stage=Stage.APPROVED).exists():
        _stand_in_volunteers(coordinator)
    today = timezone.localdate()
    made = []
    for n, (ref, role, summary, prefs) in enumerate(REQUESTS):
        family = Family.objects.filter(case_reference=ref).first()
        leaver = CareLeaver.objects.filter(reference=ref).first()
        request = make_request(
            by=adviser if leaver else practitioner,
            role=role,
            family=family,
            care_leaver=leaver,
            goals="Confidence, routine and a trusted adult outside the family and services.",
            needs_summary=summary,
            wanted_from=today + dt.timedelta(days=7 * n),
            consent_given_by="The young person" if leaver else "Parent",
            consent_given_on=today - dt.timedelta(days=3),
            **prefs,
        )
        VolunteerRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - dt.timedelta(days=20 - 3 * n))
        made.append(request)
    # The coordinator accepted the board's first proposal; the rest wait on the board.
    board = build_board()
    first = next((p for p in board.proposals() if p.volunteer_id is not None), None)
    if first is not None and first.volunteer_id is not None:
        propose_match(
            request=first.request,
            volunteer=Volunteer.objects.get(pk=first.volunteer_id),
            by=coordinator,
            note=f"Matching board: the best assignment of all {len(board.requests)} open requests at once.",
        )
    return [
        f"Volunteer requests: {len(made)} open; the matching board is at /volunteers/board/"
        " (sign in as volunteers@kinfolk.test)"
    ]
