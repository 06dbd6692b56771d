"""Demo data for requests and matching: open requests, a matching board with proposals, one accepted.

Runs after the recruitment demo (which approves volunteers through the recruitment
services). Idempotent: nothing is built once the demo practitioners have requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from families.models import CareLeaver, Family
from volunteers import availability
from volunteers.matching.board import build_board
from volunteers.models import RoleApplication, Stage, Volunteer, VolunteerRequest, VolunteerRole
from volunteers.services.matching import propose_match
from volunteers.services.requests import make_request

AFTERNOONS = availability.mask_of((d, 1) for d in range(5))
EVENINGS = availability.mask_of((d, 2) for d in range(7))
SATURDAYS = availability.mask_of([(5, 0), (5, 1)])

# (first, last, locality code, gender, languages, interests, lived experience, availability, roles, capacity)

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


@transaction.atomic
def build() -> list[str]:
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    practitioner, adviser = users.get("practitioner@kinfolk.test"), users.get("pa@kinfolk.test")
    coordinator = users.get("volunteers@kinfolk.test")
    if practitioner is None or adviser is None or coordinator is None:
        return []
    if VolunteerRequest.objects.filter(
        needs_summary__in=[summary for _ref, _role, summary, _prefs in REQUESTS]
    ).exists():
        return []
    if not RoleApplication.objects.filter(stage=Stage.APPROVED).exists():
        return []  # the recruitment demo approves the volunteers the board matches
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
