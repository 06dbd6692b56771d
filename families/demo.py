"""The demo borough's case records: localities, families with their children, care leavers.

Idempotent: records are found by their natural keys (code, case reference) and
created only when missing. Runs after accounts/demo.py, whose teams and users it uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import TEAMS, build_demo_people
from accounts.models import Team, User
from families.models import CareLeaver, Child, Family, Locality

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
    # Families whose Family Group Conference ran its course in the last months (fgc/demo/history.py).
    ("FS-2026-0301", "Kowalski", 0, "practitioner@kinfolk.test", "DEN", 3, [("Lena", 9, "Polish")]),
    ("FS-2026-0302", "Lewis", 0, "practitioner@kinfolk.test", "GRN", 4, [("Tyler", 13, "English")]),
    ("FS-2026-0303", "Mensah", 1, "practitioner2@kinfolk.test", "HOL", 4, [("Ama", 6, "English")]),
]

CARE_LEAVERS = [
    ("CL-2026-0011", "Kayden", "Lewis", 18, "ELM"),
    ("CL-2026-0012", "Amira", "Nasser", 20, "CAS"),
    ("CL-2026-0013", "Billie", "Moss", 17, "FOX"),
]


def _years_ago(years: int, today: dt.date) -> dt.date:
    return today.replace(year=today.year - years) - dt.timedelta(days=40)


@transaction.atomic
def build_demo_families() -> None:
    today = timezone.localdate()
    localities = {}
    for name, code, lat, lon in LOCALITIES:
        localities[code], _ = Locality.objects.get_or_create(
            code=code,
            defaults={"name": name, "latitude": Decimal(lat), "longitude": Decimal(lon)},
        )
    teams = [Team.objects.get(name=name) for name, _service in TEAMS]
    users = {user.email: user for user in User.objects.filter(email__endswith="@kinfolk.test")}
    for ref, family_name, team_index, practitioner, locality, level, children in FAMILIES:
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
    leaving_care = Team.objects.get(name="Leaving Care Team")
    for ref, first, last, age, locality in CARE_LEAVERS:
        CareLeaver.objects.get_or_create(
            reference=ref,
            defaults={
                "first_name": first,
                "last_name": last,
                "date_of_birth": _years_ago(age, today),
                "team": leaving_care,
                "personal_adviser": users["pa@kinfolk.test"],
                "locality": localities[locality],
            },
        )


def build_demo_borough() -> None:
    """People, then case records: what the feature apps' demo builders and their tests start from."""
    build_demo_people()
    build_demo_families()
