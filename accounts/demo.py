"""The demo borough's people: teams and a user for every role.

Idempotent: records are found by their natural keys (email, name) and created only
when missing, so `make run` can call it every time. Localities, families and care
leavers come from families/demo.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Role, Team, User
from accounts.roles import sync_role_groups

DEMO_PASSWORD = "kinfolk-demo-2026"  # noqa: S105  # nosec B105  (printed by `make run`; demo data only)

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
    DemoUser("fgc2@kinfolk.test", "Kwame Asante", "FGC coordinator", (Role.FGC_COORDINATOR,)),
    DemoUser(
        "fgc.manager@kinfolk.test",
        "Rhiannon Davies",
        "FGC manager",
        (Role.FGC_COORDINATOR, Role.MANAGER),
    ),
    DemoUser(
        "gcs@kinfolk.test",
        "Owen Hughes",
        "GCS coordinator",
        (Role.GCS_COORDINATOR,),
        ("Family Safeguarding Team 1",),
    ),
    DemoUser("volunteer@kinfolk.test", "Jo Whitfield", "Volunteer", (Role.VOLUNTEER,)),
]


@transaction.atomic
def build_demo_people() -> dict[str, User]:
    sync_role_groups()
    by_name = {name: Team.objects.get_or_create(name=name, defaults={"service": service})[0] for name, service in TEAMS}
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
    return users


@dataclass(frozen=True)
class DemoLogin:
    """One row of the demo logins, as printed by `make run` and tabled in README.md."""

    email: str
    roles: str
    job_title: str
    teams: str

    def as_table_cells(self) -> tuple[str, str, str, str]:
        return (self.email, self.roles, self.job_title, self.teams)


def _teams_label(spec: DemoUser) -> str:
    # What a person may see follows from their teams, so a login without them says little.
    parts = [f"{team} (manager)" if team in spec.manages else team for team in spec.teams]
    parts += [f"manages {team}" for team in spec.manages if team not in spec.teams]
    return ", ".join(parts) or "no team"


def demo_login_rows() -> list[DemoLogin]:
    return [
        DemoLogin(spec.email, ", ".join(r.value for r in spec.roles), spec.job_title, _teams_label(spec))
        for spec in USERS
    ]


def demo_logins() -> list[str]:
    """What `manage.py demo` prints last: every demo login with its roles, job and teams."""
    rows = demo_login_rows()
    email_width = max(len(row.email) for row in rows)
    roles_width = max(len(row.roles) for row in rows)
    job_width = max(len(row.job_title) for row in rows)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [
        f"  {row.email:<{email_width}}  {row.roles:<{roles_width}}  {row.job_title:<{job_width}}  {row.teams}"
        for row in rows
    ]
    return lines
