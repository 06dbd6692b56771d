"""Seeding for bench/load.py: a county in bulk, bench logins with a known authenticator, the walk plan.

Run inside a Django process pointed at the bench database (bench/load.py does this):

    python -m bench.seed county [--scale 1.0]   # the county, in bulk (bulk_create, one transaction)
    python -m bench.seed logins demo|county     # TOTP for the logins the virtual users sign in as
    python -m bench.seed plan demo|county       # JSON: who walks which pages

The county is written with bulk_create rather than the services: diarising through
`supervision.services` costs about 130 ms a session, and a county has 1,300 of them.
What the services would have written is written here directly (sessions with their
meetings, attendees and reminders; minutes, actions and approved versions for one
group), so the pages read the same shapes of data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, Team, User  # noqa: E402
from accounts.roles import sync_role_groups  # noqa: E402
from diary.models import Meeting, MeetingAttendee, MeetingKind, Reminder  # noqa: E402
from families.models import Child, Family, Locality  # noqa: E402
from outbox.models import OutboxMessage, OutboxStatus  # noqa: E402
from supervision.models import (  # noqa: E402
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Discipline,
    GroupMember,
    MinutesEntry,
    MinutesSection,
    MinutesStatus,
    MinutesVersion,
    SupervisionGroup,
    SupervisionSession,
)

# The bench's authenticator secret and password: bench databases only, never a real one.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  # nosec B105
PASSWORD = "kinfolk-bench-2026"  # noqa: S105  # nosec B105
DEMO_PASSWORD = "kinfolk-demo-2026"  # noqa: S105  # nosec B105  (accounts/demo.py)

FIRST = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arlo", "Ivy", "Finn", "Zara", "Omar"]
LAST = ["Khan", "Smith", "Jones", "Patel", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Ahmed", "Novak", "Hughes"]

# Who signs in, per dataset: one login per role, each in the team whose pages they walk.
DEMO_LOGINS = {
    Role.ADMINISTRATOR: "admin@kinfolk.test",
    Role.PRACTITIONER: "practitioner@kinfolk.test",
    Role.MANAGER: "manager@kinfolk.test",
    Role.GCS_COORDINATOR: "gcs@kinfolk.test",
    Role.VOLUNTEER_COORDINATOR: "volunteers@kinfolk.test",
    Role.FGC_COORDINATOR: "fgc@kinfolk.test",
    Role.VOLUNTEER: "volunteer@kinfolk.test",
}
COUNTY_LOGINS = {role: f"bench-{role.name.lower().replace('_', '-')}@county.test" for role in DEMO_LOGINS}


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_county(scale: float = 1.0) -> dict[str, int]:  # noqa: PLR0912, PLR0915  (one linear build)
    n_teams = max(3, round(102 * scale))
    n_families = round(20_000 * scale)
    now = timezone.now()
    today = timezone.localdate()
    sync_role_groups()
    roles = {g.name: g for g in Group.objects.all()}
    password = make_password(PASSWORD)  # hashed once: 622 hashes would take minutes
    localities = Locality.objects.bulk_create(
        Locality(name=f"Ward {n}", code=f"W{n:03d}", latitude=Decimal("52.2"), longitude=Decimal("-0.9"))
        for n in range(60)
    )
    teams = Team.objects.bulk_create(
        Team(name=f"Family Safeguarding Team {n + 1}", service="Family Safeguarding") for n in range(n_teams)
    )

    # --- staff: per team a manager, four practitioners and a GCS coordinator; ten others.
    users: list[User] = []
    role_of: list[str] = []
    team_of: list[int | None] = []
    for t, team in enumerate(teams):
        for kind in ("manager", "practitioner", "practitioner", "practitioner", "practitioner", "gcs"):
            n = len(users)
            email = f"staff{n}@county.test"
            if t == 0 and kind in ("manager", "gcs"):
                email = COUNTY_LOGINS[Role.MANAGER if kind == "manager" else Role.GCS_COORDINATOR]
            if (
                t == 0
                and kind == "practitioner"
                and not any(e.email == COUNTY_LOGINS[Role.PRACTITIONER] for e in users)
            ):
                email = COUNTY_LOGINS[Role.PRACTITIONER]
            users.append(User(email=email, full_name=f"{FIRST[n % 12]} {LAST[(n // 12) % 12]} {n}", password=password))
            role_of.append(
                {"manager": Role.MANAGER, "practitioner": Role.PRACTITIONER, "gcs": Role.GCS_COORDINATOR}[kind].value
            )
            team_of.append(team.pk)
    others = [
        (Role.ADMINISTRATOR, 3),
        (Role.VOLUNTEER_COORDINATOR, 2),
        (Role.FGC_COORDINATOR, 3),
        (Role.VOLUNTEER, 2),
    ]
    for role, count in others:
        for k in range(count):
            email = COUNTY_LOGINS[role] if k == 0 else f"{role.name.lower()}{k}@county.test"
            users.append(
                User(email=email, full_name=f"{role.value} {k}", password=password, is_staff=role == Role.ADMINISTRATOR)
            )
            role_of.append(role.value)
            team_of.append(None)
    users = User.objects.bulk_create(users, batch_size=1000)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=roles[r].pk) for u, r in zip(users, role_of, strict=True)
    )
    EmailAddress.objects.bulk_create(EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users)
    Team.members.through.objects.bulk_create(
        Team.members.through(team_id=t, user_id=u.pk) for u, t in zip(users, team_of, strict=True) if t is not None
    )
    staff = {team.pk: [u for u, t in zip(users, team_of, strict=True) if t == team.pk] for team in teams}
    Team.managers.through.objects.bulk_create(
        Team.managers.through(team_id=t, user_id=s[0].pk) for t, s in staff.items()
    )

    # --- families and children
    families = Family.objects.bulk_create(
        (
            Family(
                case_reference=f"FS-{2020 + n % 6}-{n:05d}",
                family_name=f"{LAST[n % 12]}-{FIRST[(n // 12) % 12]}",
                team=teams[n % n_teams],
                allocated_practitioner=staff[teams[n % n_teams].pk][1 + (n // n_teams) % 4],
                locality=localities[n % 60],
                level_of_need=1 + n % 5,
                opened_on=dt.date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
                closed_on=dt.date(2026, 6, 1) if n % 10 == 9 else None,
            )
            for n in range(n_families)
        ),
        batch_size=5000,
    )
    Child.objects.bulk_create(
        (
            Child(
                family=f,
                first_name=FIRST[(f.pk + k * 5) % 12] + ("" if k == 0 else "e"),
                last_name=f"{LAST[f.pk % 12]}{f.pk}",
                date_of_birth=dt.date(2010 + (f.pk + k) % 14, 1 + f.pk % 12, 1 + k),
            )
            for f in families
            for k in range(2)
        ),
        batch_size=10000,
    )
    by_team: dict[int, list[Family]] = {}
    for f in families:
        if f.closed_on is None:
            by_team.setdefault(f.team_id, []).append(f)

    # --- a GCS group per team: the manager chairs, the practitioners present; a year diarised (4-weekly).
    groups = SupervisionGroup.objects.bulk_create(
        SupervisionGroup(
            team=team,
            name=f"GCS – {team.name}",
            coordinator=staff[team.pk][5],
            minute_taker=staff[team.pk][5],
            weekday=t % 5,
            location="County Hall",
        )
        for t, team in enumerate(teams)
    )
    disciplines = [
        Discipline.CHAIR,
        Discipline.SOCIAL_WORKER,
        Discipline.SOCIAL_WORKER,
        Discipline.DOMESTIC_ABUSE,
        Discipline.ADULT_MENTAL_HEALTH,
    ]
    GroupMember.objects.bulk_create(
        GroupMember(group=g, user=staff[g.team_id][k], discipline=disciplines[k]) for g in groups for k in range(5)
    )
    sessions: list[SupervisionSession] = []
    meetings: list[Meeting] = []
    for g in groups:
        first = _next_weekday(today + dt.timedelta(days=1), g.weekday)
        for k in range(13):
            start = _at(first + dt.timedelta(weeks=4 * k), 10)
            meetings.append(
                Meeting(
                    kind=MeetingKind.GCS_SESSION,
                    title=f"Group Case Supervision – {g.team.name}",
                    team_id=g.team_id,
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    location=g.location,
                    organiser_id=g.coordinator_id,
                    uid=f"{uuid.uuid4()}@kinfolk",
                    link_path="/gcs/",
                )
            )
            sessions.append(
                SupervisionSession(
                    group=g,
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    location=g.location,
                    papers_due_at=start - dt.timedelta(days=3),
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)
    for session, meeting in zip(sessions, meetings, strict=True):
        session.meeting = meeting
    sessions = SupervisionSession.objects.bulk_create(sessions, batch_size=2000)
    for session, meeting in zip(sessions, meetings, strict=True):
        meeting.link_path = f"/gcs/sessions/{session.pk}/"
    Meeting.objects.bulk_update(meetings, ["link_path"], batch_size=2000)
    members = {g.pk: [staff[g.team_id][k] for k in (0, 1, 2, 3, 4, 5)] for g in groups}
    MeetingAttendee.objects.bulk_create(
        (
            MeetingAttendee(meeting=m, user=u, email=u.email, name=u.full_name)
            for s, m in zip(sessions, meetings, strict=True)
            for u in members[s.group_id]
        ),
        batch_size=5000,
    )
    reminders = []
    for s, m in zip(sessions, meetings, strict=True):
        for u in members[s.group_id]:
            reminders.append(
                Reminder(
                    key=f"gcs-session:{s.pk}",
                    recipient_email=u.email,
                    user=u,
                    meeting=m,
                    template="supervision/session_reminder",
                    due_at=s.start - dt.timedelta(days=1),
                )
            )
        for u in members[s.group_id][1:3]:
            reminders.append(
                Reminder(
                    key=f"gcs-papers:{s.pk}",
                    recipient_email=u.email,
                    user=u,
                    meeting=m,
                    template="supervision/papers_reminder",
                    due_at=s.papers_due_at,
                )
            )
    Reminder.objects.bulk_create(reminders, batch_size=5000)

    # --- one group (team 1's) with two years of minutes: 26 sessions, 350 actions.
    big = groups[0]
    team_families = by_team[big.team_id]
    team_staff = staff[big.team_id]
    past = SupervisionSession.objects.bulk_create(
        SupervisionSession(
            group=big,
            start=_at(_next_weekday(today - dt.timedelta(weeks=4 * (k + 1)), big.weekday), 10),
            end=_at(_next_weekday(today - dt.timedelta(weeks=4 * (k + 1)), big.weekday), 12),
            location=big.location,
            papers_due_at=_at(_next_weekday(today - dt.timedelta(weeks=4 * (k + 1)), big.weekday), 10)
            - dt.timedelta(days=3),
            agenda_published_at=now - dt.timedelta(weeks=4 * (k + 1), days=5),
            minutes_status=MinutesStatus.APPROVED,
            first_circulated_at=now - dt.timedelta(weeks=4 * (k + 1)),
        )
        for k in range(26)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=s,
            family=team_families[(k * 7 + p) % len(team_families)],
            presenter=team_staff[1 + p % 4],
            position=p + 1,
        )
        for k, s in enumerate(past)
        for p in range(7)
    )
    MinutesEntry.objects.bulk_create(
        MinutesEntry(item=i, section=section, text=f"Synthetic minutes: {label}.", updated_by=big.coordinator)
        for i in items
        for section, label in MinutesSection.choices
    )
    Action.objects.bulk_create(
        Action(
            group=big,
            family_id=items[n % len(items)].family_id,
            item=items[n % len(items)],
            description="Meet the school's designated safeguarding lead about attendance.",
            owner=team_staff[1 + n % 4],
            due_on=items[n % len(items)].session.start.date() + dt.timedelta(days=14),
            status=ActionStatus.DONE if n % 3 else ActionStatus.OPEN,
            completed_at=now if n % 3 else None,
            created_by=big.coordinator,
        )
        for n in range(350)
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, user=u, status="present", recorded_by=big.coordinator) for s in past for u in team_staff
    )
    from supervision.services.snapshot import build_snapshot

    MinutesVersion.objects.bulk_create(
        MinutesVersion(session=s, number=1, approved_by=team_staff[0], snapshot=build_snapshot(s)) for s in past
    )

    # --- the outbox: a few months of mail, mostly sent.
    n_outbox = round(9_300 * scale)
    OutboxMessage.objects.bulk_create(
        (
            OutboxMessage(
                idempotency_key=f"bench:{n}",
                template="supervision/session_reminder",
                from_email="Kinfolk <kinfolk@example.gov.uk>",
                to=[users[n % len(users)].email],
                subject="Group Case Supervision tomorrow",
                text="A reminder. " * 40,
                message_id=f"<bench.{n}@kinfolk>",
                status=OutboxStatus.DEAD
                if n % 400 == 0
                else OutboxStatus.PENDING
                if n % 97 == 0
                else OutboxStatus.SENT,
                attempts=1,
                created_at=now - dt.timedelta(minutes=20 * n),
                sent_at=now - dt.timedelta(minutes=20 * n),
            )
            for n in range(n_outbox)
        ),
        batch_size=2000,
    )
    return {
        "teams": n_teams,
        "staff": len(users),
        "families": n_families,
        "children": 2 * n_families,
        "groups": len(groups),
        "sessions": len(sessions) + len(past),
        "reminders": len(reminders),
        "outbox": n_outbox,
        "actions": 350,
    }


def enrol_logins(dataset: str) -> None:
    """Give each login of the walk an authenticator with the bench's secret (production enforces MFA)."""
    for email in (DEMO_LOGINS if dataset == "demo" else COUNTY_LOGINS).values():
        user = User.objects.get(email=email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, TOTP_SECRET)


def plan(dataset: str) -> dict[str, Any]:
    """The pages each role walks, named alike on both datasets so they can be compared."""
    logins = DEMO_LOGINS if dataset == "demo" else COUNTY_LOGINS
    people = {role: User.objects.get(email=email) for role, email in logins.items()}
    coordinator = people[Role.GCS_COORDINATOR]
    group = SupervisionGroup.objects.filter(coordinator=coordinator).order_by("pk").first()
    assert group is not None, "the GCS coordinator has no group"
    now = timezone.now()
    upcoming = group.sessions.filter(end__gte=now).order_by("start").first()
    last = group.sessions.filter(end__lt=now).order_by("-start").first()
    assert upcoming is not None and last is not None
    practitioner = people[Role.PRACTITIONER]
    family = Family.objects.filter(team__members=practitioner, closed_on__isnull=True).order_by("pk").first()
    assert family is not None
    child = family.children.order_by("pk").first()
    assert child is not None
    g, s = f"/gcs/groups/{group.pk}", f"/gcs/sessions/{upcoming.pk}"
    search = child.last_name[:5]
    walks: dict[Role, list[tuple[str, str]]] = {
        Role.PRACTITIONER: [
            ("home", "/"),
            ("family list", "/families/"),
            ("family search", f"POST /families/ q={search}"),
            ("family page", f"/families/{family.pk}/"),
            ("diary", "/diary/"),
            ("group page", f"{g}/"),
            ("session page", f"{s}/"),
            ("care leavers", "/care-leavers/"),
        ],
        Role.MANAGER: [
            ("home", "/"),
            ("family list", "/families/"),
            ("family page", f"/families/{family.pk}/"),
            ("group page (manage)", f"{g}/"),
            ("action tracker", f"{g}/actions/"),
            ("diary", "/diary/"),
        ],
        Role.GCS_COORDINATOR: [
            ("home", "/"),
            ("groups", "/gcs/"),
            ("group page (manage)", f"{g}/"),
            ("action tracker", f"{g}/actions/"),
            ("action tracker, open", f"{g}/actions/?status=open"),
            ("session page", f"{s}/"),
            ("add a family (families due)", f"{s}/agenda/add/"),
            ("attendance", f"/gcs/sessions/{last.pk}/attendance/"),
            ("minutes", f"/gcs/sessions/{last.pk}/minutes/"),
        ],
        Role.ADMINISTRATOR: [
            ("home", "/"),
            ("users", "/manage/users/"),
            ("audit log", "/manage/audit/"),
            ("outbox (failed)", "/manage/outbox/"),
            ("outbox (sent)", "/manage/outbox/?status=sent"),
        ],
        Role.VOLUNTEER_COORDINATOR: [("home", "/"), ("diary", "/diary/")],
        Role.FGC_COORDINATOR: [("home", "/"), ("diary", "/diary/")],
        Role.VOLUNTEER: [("home", "/"), ("diary", "/diary/")],
    }
    return {
        "password": DEMO_PASSWORD if dataset == "demo" else PASSWORD,
        "totp_secret": TOTP_SECRET,
        "walks": [{"role": role.value, "email": logins[role], "pages": pages} for role, pages in walks.items()],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["county", "logins", "plan"])
    parser.add_argument("dataset", nargs="?", default="county", choices=["demo", "county"])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.command == "county":
        started = time.perf_counter()
        with transaction.atomic():
            counts = build_county(args.scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
        print(json.dumps({**counts, "seconds": round(time.perf_counter() - started, 1)}))
    elif args.command == "logins":
        enrol_logins(args.dataset)
    else:
        print(json.dumps(plan(args.dataset)))


if __name__ == "__main__":
    main()
