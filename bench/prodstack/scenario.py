"""What the check does to the stack: three GCS groups diarised, moved and cancelled by their coordinators.

Accounts, teams and groups are set up through the services (an administrator's
work, not under test). Everything after that goes through the pages, signed in
as each group's coordinator with password and authenticator code: diarising,
moving and cancelling, as a coordinator does. Times are seconds after moment
zero (N), taken once everyone has signed in; the stack's clock reads a working
Wednesday (W), so a session on Thursday (W+1) has its reminder due on W at the
same time (one working day before), inside the run:

- group A: 20 weekly sessions from Thursday at N+120 s (the burst during which a
  cluster is killed); the first session's reminders fall due at N+120 s;
- group B: 2 sessions four weeks apart, the first today at N+90 s: it starts during
  the run, and its reminder (due on Tuesday) must not be sent;
- group C: 3 sessions four weeks apart from Thursday at N+180 s; the first is
  cancelled (its reminders, due at N+180 s, must not be sent), the second moved to
  Thursday at N+150 s (its reminders must arrive), the third moved to Thursday at
  N+2 h (its reminders leave the run).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from bench.prodstack.stack import Stack
from bench.prodstack.web import Browser
from outbox.models import OutboxMessage, OutboxStatus
from supervision import services
from supervision.models import Discipline, SupervisionGroup, SupervisionSession
from tests import factories
from tests.supervision.factories import make_group

LONDON = timezone.get_default_timezone()
KILL_AFTER_MESSAGES = 30


@dataclass
class Seeded:
    wednesday: dt.date
    groups: dict[str, SupervisionGroup]
    coordinators: dict[str, User]


def seed(wednesday: dt.date) -> Seeded:
    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup_schedules", stdout=StringIO())
    groups: dict[str, SupervisionGroup] = {}
    coordinators: dict[str, User] = {}
    for name, members, cadence in (("a", 4, 1), ("b", 1, 4), ("c", 2, 4)):
        team = factories.make_team(f"Team {name.upper()}")
        coordinator = factories.make_user(
            f"coordinator-{name}@example.gov.uk", roles=(Role.GCS_COORDINATOR,), teams=(team,)
        )
        minute_taker = factories.make_user(f"minutes-{name}@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(team,))
        people = {
            factories.make_user(f"member{n}-{name}@example.gov.uk", roles=(Role.PRACTITIONER,), teams=(team,)): str(
                Discipline.SOCIAL_WORKER
            )
            for n in range(members)
        }
        groups[name] = make_group(
            team=team,
            coordinator=coordinator,
            minute_taker=minute_taker,
            members=people,
            duration_minutes=60,
            cadence_weeks=cadence,
        )
        coordinators[name] = coordinator
    return Seeded(wednesday, groups, coordinators)


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, LONDON)


@dataclass
class Run:
    stack: Stack
    seeded: Seeded
    ports: list[int]
    kill: str
    zero: dt.datetime = field(init=False)
    browsers: dict[str, Browser] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)
    first_starts: dict[int, dt.datetime] = field(default_factory=dict)  # of the moved sessions
    cancelled: set[int] = field(default_factory=set)
    reminded: set[int] = field(default_factory=set)  # sessions whose reminders must arrive in the run
    started_during_run: set[int] = field(default_factory=set)
    killed_at: dt.datetime | None = None
    restarted_at: dt.datetime | None = None
    last_due: dt.datetime | None = None
    expected_sessions: dict[str, int] = field(default_factory=dict)

    @property
    def window_end(self) -> dt.datetime:
        """The last moment a reminder of the scenario's sessions was due (C's cancelled first session)."""
        return self.at(180)

    def at(self, seconds: float) -> dt.datetime:
        return self.zero + dt.timedelta(seconds=seconds)

    def sign_in(self, name: str) -> Browser:
        user = self.seeded.coordinators[name]
        browser = Browser(self.ports)
        location = browser.submit("/accounts/login/", {"login": user.email, "password": factories.PASSWORD})
        if location == "/accounts/2fa/authenticate/":
            location = browser.submit(location, {"code": factories.current_totp_code(for_user=user)})
        if location.startswith("/accounts/"):
            raise RuntimeError(f"{user.email} was not signed in (left at {location})")
        return browser

    def set_time(self, name: str, weekday: int, seconds: float) -> None:
        group = self.seeded.groups[name]
        start = local(self.at(seconds)).time().replace(microsecond=0)
        services.update_group(group=group, by=group.coordinator, weekday=weekday, start_time=start)

    def diarise(self, name: str, first_day: dt.date, until: dt.date, sessions: int) -> list[SupervisionSession]:
        group = self.seeded.groups[name]
        self.browsers[name].submit(
            f"/gcs/groups/{group.pk}/diarise/", {"first_day": first_day.isoformat(), "until": until.isoformat()}
        )
        self.expected_sessions[name] = sessions
        return list(SupervisionSession.objects.filter(group=group).order_by("start"))

    def move(self, name: str, session: SupervisionSession, day: dt.date, seconds: float) -> None:
        start = local(self.at(seconds)).time().replace(microsecond=0)
        end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=60)).time()
        self.browsers[name].submit(
            f"/gcs/sessions/{session.pk}/edit/",
            {
                "day": day.isoformat(),
                "start_time": start.isoformat(),
                "end_time": end.isoformat(),
                "location": session.location,
                "online_url": session.online_url,
                "reason": "Room double-booked",
            },
        )
        self.moved.add(session.pk)
        self.first_starts.setdefault(session.pk, session.start)

    def cancel(self, name: str, session: SupervisionSession) -> None:
        self.browsers[name].submit(f"/gcs/sessions/{session.pk}/cancel/", {"reason": "Team training day"})
        self.cancelled.add(session.pk)

    def in_time(self, step: str, seconds: float) -> None:
        """The pages must keep ahead of the scenario's clock, or what it expects no longer holds."""
        if timezone.now() >= self.at(seconds):
            raise RuntimeError(f"The pages were too slow: {step} only after N+{seconds:.0f} s")

    def kill_midway(self, since: int, written: int) -> None:
        """SIGKILL one cluster once the burst of `written` emails is under way, then start it again."""
        threshold = max(1, min(KILL_AFTER_MESSAGES, written // 2))
        deadline = time.monotonic() + 60
        while len(self.stack.mail.snapshot()) - since < threshold:
            if time.monotonic() > deadline:
                raise RuntimeError("The invitations did not start arriving within a minute")
            time.sleep(0.02)
        self.stack.kill(self.kill)
        self.killed_at = timezone.now()
        print(f"Killed {self.kill} (SIGKILL to its process group) once {threshold} of {written} emails had arrived")
        time.sleep(2)
        self.stack.start_cluster(self.kill)
        self.stack.wait_for_clusters([self.kill])
        self.restarted_at = timezone.now()
        print(f"Started {self.kill} again after {(self.restarted_at - self.killed_at).total_seconds():.1f} s")

    def play(self) -> None:
        wednesday = self.seeded.wednesday
        thursday = wednesday + dt.timedelta(days=1)
        for name in self.seeded.groups:
            self.browsers[name] = self.sign_in(name)
        self.zero = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=5)
        self.set_time("a", thursday.weekday(), 120)
        self.set_time("b", wednesday.weekday(), 90)
        self.set_time("c", thursday.weekday(), 180)
        print(f"Signed in 3 coordinators; moment zero {local(self.zero):%H:%M:%S}")

        b = self.diarise("b", wednesday, wednesday + dt.timedelta(days=28), sessions=2)
        self.started_during_run.add(b[0].pk)
        self.in_time("group B diarised", 80)

        since, rows = len(self.stack.mail.snapshot()), OutboxMessage.objects.count()
        a = self.diarise("a", wednesday, thursday + dt.timedelta(weeks=19), sessions=20)
        self.reminded.add(a[0].pk)
        self.kill_midway(since, OutboxMessage.objects.count() - rows)

        c = self.diarise("c", thursday, thursday + dt.timedelta(weeks=8), sessions=3)
        self.cancel("c", c[0])
        self.in_time("group C's first session cancelled", 170)
        self.move("c", c[1], thursday, 150)
        self.reminded.add(c[1].pk)
        self.move("c", c[2], thursday, 7200)
        self.last_due = self.at(150)
        elapsed = (timezone.now() - self.zero).total_seconds()
        print(
            f"Diarised, moved and cancelled through the pages by N+{elapsed:.0f} s; reminders due at N+120 and N+150 s"
        )

    def wait_until_settled(self, *, deadline_seconds: float) -> None:
        """Until the reminders have fallen due and been handled, and every outbox row has arrived."""
        from diary.models import Reminder, ReminderStatus

        assert self.last_due is not None
        deadline = self.at(deadline_seconds)
        quiet_since: float | None = None
        while True:
            self.stack.check_alive()
            now = timezone.now()
            if now > deadline:
                raise RuntimeError(f"Not settled {deadline_seconds} s after moment zero: {self.progress()}")
            if OutboxMessage.objects.filter(status=OutboxStatus.DEAD).exists():
                raise RuntimeError(f"An outbox row is dead: {self.progress()}")
            arrived = {a.message_id for a in self.stack.mail.snapshot()}
            settled = (
                now > self.last_due
                and not Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=self.last_due).exists()
                and not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
                and set(OutboxMessage.objects.values_list("message_id", flat=True)) <= arrived
            )
            if settled:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 3:
                    return
            else:
                quiet_since = None
            time.sleep(1)

    def progress(self) -> dict[str, Any]:
        from django.db.models import Count

        from diary.models import Reminder

        return {
            "outbox": dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk"))),
            "reminders due": dict(
                Reminder.objects.filter(due_at__lte=timezone.now()).values_list("status").annotate(n=Count("pk"))
            ),
            "deliveries": len(self.stack.mail.snapshot()),
        }
