"""Demo volunteers in every recruitment stage, built through the recruitment services. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from families.models import Locality
from volunteers import availability
from volunteers.models import DbsLevel, DbsOutcome, RequirementKind, Volunteer, VolunteerRole
from volunteers.services import recruitment, references
from volunteers.services.supervision import record_conversation

COORDINATOR = "volunteers@kinfolk.test"
WEEKDAY_AFTERNOONS = availability.mask_of((d, 1) for d in range(5))
EVENINGS = availability.mask_of((d, 2) for d in range(7))

# (first, last, email, role, how far through the pipeline: the number of requirements met)
PEOPLE = [
    ("Jo", "Whitfield", "volunteer@kinfolk.test", VolunteerRole.CHILD_AND_FAMILY, 6),
    ("Priya", "Shah", "priya.shah@example.org", VolunteerRole.CARE_LEAVER_MENTOR, 6),
    ("Tom", "Okafor", "tom.okafor@example.org", VolunteerRole.FGC, 6),
    ("Aisha", "Rahman", "aisha.rahman@example.org", VolunteerRole.RIGHTS_AND_REPS, 6),
    ("Ben", "Carter", "ben.carter@example.org", VolunteerRole.CHILD_AND_FAMILY, 0),
    ("Chloe", "Evans", "chloe.evans@example.org", VolunteerRole.CHILD_AND_FAMILY, 1),
    ("Dev", "Patel", "dev.patel@example.org", VolunteerRole.CARE_LEAVER_MENTOR, 2),
    ("Ellie", "Morgan", "ellie.morgan@example.org", VolunteerRole.FGC, 3),
    ("Femi", "Adebayo", "femi.adebayo@example.org", VolunteerRole.CHILD_AND_FAMILY, 4),
    ("Gail", "Murphy", "gail.murphy@example.org", VolunteerRole.RIGHTS_AND_REPS, 0),
    ("Hugo", "Lewis", "hugo.lewis@example.org", VolunteerRole.CHILD_AND_FAMILY, -1),  # form sent, not back
    ("Isla", "Grant", "isla.grant@example.org", VolunteerRole.CARE_LEAVER_MENTOR, 1),
]


def build() -> list[str]:
    coordinator = User.objects.filter(email=COORDINATOR).first()
    locality = Locality.objects.order_by("pk").first()
    if coordinator is None or locality is None:
        return []
    made = 0
    for i, (first, last, email, role, met) in enumerate(PEOPLE):
        if Volunteer.objects.filter(email=email).exists():
            continue
        with transaction.atomic():
            volunteer = recruitment.add_enquiry(
                by=coordinator,
                roles=[role],
                first_name=first,
                last_name=last,
                email=email,
                date_of_birth=dt.date(1960 + 4 * i, 3, 1 + i),
                locality=locality,
                availability=WEEKDAY_AFTERNOONS if i % 2 else EVENINGS,
                languages=["English", "Urdu"] if i == 1 else ["English"],
                interests=["football", "cooking"] if i % 2 else ["art", "music"],
                lived_experience=["care_experienced"] if role == VolunteerRole.CARE_LEAVER_MENTOR else [],
                capacity=2 if met == 6 else 1,
            )
            _meet(volunteer, role, met, coordinator)
        made += 1
    # One who paused and one who left, so every stage shows.
    with transaction.atomic():
        paused = Volunteer.objects.filter(email="chloe.evans@example.org", paused_on__isnull=True).first()
        if paused is not None and made:
            recruitment.pause(volunteer=paused, reason="Exams until June", by=coordinator)
        gone = Volunteer.objects.filter(email="ben.carter@example.org", left_on__isnull=True).first()
        if gone is not None and made:
            recruitment.leave(volunteer=gone, reason="Moved away", by=coordinator)
    return [f"Volunteers: {made} demo volunteers added across the recruitment stages."] if made else []


def _meet(volunteer: Volunteer, role: str, met: int, coordinator: User) -> None:
    today = recruitment.today()
    started = today - dt.timedelta(days=60)
    steps = recruitment.requirements_for(role)
    if met < 0:
        recruitment.record_check(
            volunteer=volunteer, kind=RequirementKind.APPLICATION_FORM, by=coordinator, started_on=started
        )
    for req in steps[: max(met, 0)]:
        if req.kind == RequirementKind.DBS:
            recruitment.record_dbs(
                volunteer=volunteer,
                by=coordinator,
                applied_on=started,
                certificate_number=f"00{volunteer.pk:010d}",
                issued_on=started + dt.timedelta(days=20),
                level=DbsLevel.ENHANCED_CHILDREN,
                barred_list_checked=True,
                outcome=DbsOutcome.CLEAR,
            )
        elif req.kind == RequirementKind.REFERENCES:
            for n in range(req.count):
                ref = references.request_reference(
                    volunteer=volunteer,
                    by=coordinator,
                    referee_name=f"Referee {n + 1}",
                    referee_email=f"referee{n + 1}.{volunteer.pk}@example.org",
                    relationship="Employer" if n == 0 else "Friend of the family",
                )
                references.give_reference(
                    token=references.token_for(ref),
                    known_for="6 years",
                    suitable="yes",
                    concerns="",
                    statement="Patient, reliable and good with young people.",
                )
                ref.refresh_from_db()
                references.review_reference(reference=ref, by=coordinator, accept=True)
        else:
            recruitment.record_check(
                volunteer=volunteer,
                kind=req.kind,
                by=coordinator,
                started_on=started,
                completed_on=started + dt.timedelta(days=7),
                role=role if req.kind == RequirementKind.ROLE_TRAINING else "",
            )
    if met < len(steps) and met > 0 and steps[met].kind == RequirementKind.REFERENCES:
        references.request_reference(
            volunteer=volunteer,
            by=coordinator,
            referee_name="Referee 1",
            referee_email=f"referee.{volunteer.pk}@example.org",
            relationship="Teacher",
        )
    if met == len(steps):
        record_conversation(
            volunteer=volunteer,
            by=coordinator,
            kind="supervision",
            held_on=today - dt.timedelta(days=100),
            notes="Settling in well; wants more evening work.",
            next_due_on=today - dt.timedelta(days=10),
        )
