"""A small demo borough: teams, localities, a user for every role, families, care leavers.

Idempotent: records are found by their natural keys (email, case reference,
name) and created only when missing, so `make run` can call it every time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.models import CareLeaver, Child, Family, Locality, Role, Team, User
from core.roles import sync_role_groups

DEMO_PASSWORD = "kinfolk-demo-2026"  # noqa: S105  # nosec B105  (printed by `make run`; demo data only)

LOCALITIES = [
    ("Abbey", "ABB", "51.75210", "-0.33640"),
    ("Brookside", "BRK", "51.76480", "-0.31020"),
    ("Castle Hill", "CAS", "51.74110", "-0.35890"),
    ("Dene Park", "DEN", "51.73320", "-0.32150"),
    ("Elmfield", "ELM", "51.77650", "-0.34420"),
    ("Foxley", "FOX", "51.75980", "-0.37310"),
    ("Greenway", "GRN", "51.72540", "-0.34700"),
    ("Hollins", "HOL", "51.78320", "-0.32000"),
]

TEAMS = [
    ("Family Safeguarding Team 1", "Family Safeguarding"),
    ("Family Safeguarding Team 2", "Family Safeguarding"),
    ("Leaving Care Team", "Children Looked After"),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    roles: tuple[Role, ...]
    teams: tuple[str, ...] = ()
    manages: tuple[str, ...] = ()


USERS = [
    DemoUser(
        "admin@kinfolk.test",
        "Amara Okafor",
        "Data protection lead",
        (Role.ADMINISTRATOR,),
    ),
    DemoUser(
        "practitioner@kinfolk.test",
        "Priya Shah",
        "Social worker",
        (Role.PRACTITIONER,),
        ("Family Safeguarding Team 1",),
    ),
    DemoUser(
        "practitioner2@kinfolk.test",
        "Tom Brennan",
        "Social worker",
        (Role.PRACTITIONER,),
        ("Family Safeguarding Team 2",),
    ),
    DemoUser(
        "dv.worker@kinfolk.test",
        "Grace Mensah",
        "Domestic abuse specialist",
        (Role.PRACTITIONER,),
        ("Family Safeguarding Team 1",),
    ),
    DemoUser(
        "pa@kinfolk.test",
        "Leo Fischer",
        "Personal adviser",
        (Role.PRACTITIONER,),
        ("Leaving Care Team",),
    ),
    DemoUser(
        "manager@kinfolk.test",
        "Helen Carter",
        "Team manager",
        (Role.MANAGER,),
        ("Family Safeguarding Team 1",),
        ("Family Safeguarding Team 1",),
    ),
    DemoUser(
        "volunteers@kinfolk.test",
        "Sam Adeyemi",
        "Volunteer coordinator",
        (Role.VOLUNTEER_COORDINATOR,),
    ),
    DemoUser("fgc@kinfolk.test", "Nia Roberts", "FGC coordinator", (Role.FGC_COORDINATOR,)),
    DemoUser(
        "gcs@kinfolk.test",
        "Owen Hughes",
        "GCS coordinator",
        (Role.GCS_COORDINATOR,),
        ("Family Safeguarding Team 1",),
    ),
    DemoUser("volunteer@kinfolk.test", "Jo Whitfield", "Volunteer", (Role.VOLUNTEER,)),
]

# (case reference, family name, team, practitioner email, locality code, level, children as (first, age, language))
FAMILIES = [
    (
        "FS-2026-0101",
        "Archer",
        0,
        "practitioner@kinfolk.test",
        "ABB",
        5,
        [("Maisie", 7, "English"), ("Jack", 4, "English")],
    ),
    (
        "FS-2026-0102",
        "Begum",
        0,
        "practitioner@kinfolk.test",
        "BRK",
        4,
        [("Aisha", 12, "Bengali")],
    ),
    (
        "FS-2026-0103",
        "Cole",
        0,
        "dv.worker@kinfolk.test",
        "CAS",
        5,
        [("Riley", 9, "English"), ("Skye", 2, "English")],
    ),
    (
        "FS-2026-0104",
        "Dabrowski",
        0,
        "practitioner@kinfolk.test",
        "DEN",
        4,
        [("Zofia", 14, "Polish")],
    ),
    ("FS-2026-0105", "Evans", 0, None, "ELM", 3, [("Harvey", 6, "English")]),
    (
        "FS-2026-0106",
        "Farah",
        0,
        "practitioner@kinfolk.test",
        "FOX",
        5,
        [("Yusuf", 10, "Somali"), ("Hodan", 8, "Somali")],
    ),
    (
        "FS-2026-0201",
        "Green",
        1,
        "practitioner2@kinfolk.test",
        "GRN",
        4,
        [("Ellie", 11, "English")],
    ),
    (
        "FS-2026-0202",
        "Hussain",
        1,
        "practitioner2@kinfolk.test",
        "HOL",
        5,
        [("Omar", 5, "Urdu"), ("Sara", 3, "Urdu")],
    ),
    (
        "FS-2026-0203",
        "Ivanova",
        1,
        "practitioner2@kinfolk.test",
        "ABB",
        3,
        [("Daria", 15, "Russian")],
    ),
    ("FS-2026-0204", "Jones", 1, None, "BRK", 4, [("Mason", 8, "English")]),
]

CARE_LEAVERS = [
    ("CL-2026-0011", "Kayden", "Lewis", 18, "ELM"),
    ("CL-2026-0012", "Amira", "Nasser", 20, "CAS"),
    ("CL-2026-0013", "Billie", "Moss", 17, "FOX"),
]


def _years_ago(years: int, today: dt.date) -> dt.date:
    return today.replace(year=today.year - years) - dt.timedelta(days=40)


@transaction.atomic
def build_demo_borough() -> dict[str, User]:
    today = timezone.localdate()
    sync_role_groups()
    localities = {}
    for name, code, lat, lon in LOCALITIES:
        localities[code], _ = Locality.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
            },
        )
    teams = [Team.objects.get_or_create(name=name, defaults={"service": service})[0] for name, service in TEAMS]
    by_name = {t.name: t for t in teams}

    users: dict[str, User] = {}
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(
                spec.email,
                DEMO_PASSWORD,
                full_name=spec.full_name,
                job_title=spec.job_title,
            )
            user.is_staff = Role.ADMINISTRATOR in spec.roles
            user.save(update_fields=["is_staff"])
            user.groups.set(Group.objects.filter(name__in=[r.value for r in spec.roles]))
            EmailAddress.objects.get_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
        for team_name in spec.teams:
            by_name[team_name].members.add(user)
        for team_name in spec.manages:
            by_name[team_name].managers.add(user)
        users[spec.email] = user

    for (
        ref,
        family_name,
        team_index,
        practitioner,
        locality,
        level,
        children,
    ) in FAMILIES:
        family, created = Family.objects.get_or_create(
            case_reference=ref,
            defaults={
                "family_name": family_name,
                "team": teams[team_index],
                "allocated_practitioner": users.get(practitioner) if practitioner else None,
                "locality": localities[locality],
                "level_of_need": level,
                "opened_on": today - dt.timedelta(days=120),
            },
        )
        if created:
            for first, age, language in children:
                Child.objects.create(
                    family=family,
                    first_name=first,
                    last_name=family_name,
                    date_of_birth=_years_ago(age, today),
                    language=language,
                )

    for ref, first, last, age, locality in CARE_LEAVERS:
        CareLeaver.objects.get_or_create(
            reference=ref,
            defaults={
                "first_name": first,
                "last_name": last,
                "date_of_birth": _years_ago(age, today),
                "team": by_name["Leaving Care Team"],
                "personal_adviser": users["pa@kinfolk.test"],
                "locality": localities[locality],
            },
        )
    return users
