"""Builders for GCS test data, through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Team, User
from core.localtime import local_datetime
from diary.workdays import next_working_day
from families.models import Family
from supervision import services
from supervision.models import (
    AgendaItem,
    Discipline,
    SupervisionGroup,
    SupervisionSession,
)


def make_group(
    *,
    team: Team,
    coordinator: User,
    members: dict[User, str] | None = None,
    minute_taker: User | None = None,
    **settings: object,
) -> SupervisionGroup:
    group = services.create_group(
        team=team,
        name=settings.pop("name", f"GCS {team.name}"),  # type: ignore[arg-type]
        coordinator=coordinator,
        minute_taker=minute_taker,
        by=coordinator,
        **settings,
    )
    for user, discipline in (members or {}).items():
        services.add_member(group=group, user=user, discipline=discipline, by=coordinator)
    return group


def working_day_from_today(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    return day if day.weekday() < 5 and next_working_day(day - dt.timedelta(days=1)) == day else next_working_day(day)


def make_session(
    *, group: SupervisionGroup, day: dt.date | None = None, at: dt.time = dt.time(10, 0), minutes: int = 120
) -> SupervisionSession:
    day = day or working_day_from_today(14)
    start = local_datetime(day, at)
    return services.schedule_session(
        group=group, start=start, end=start + dt.timedelta(minutes=minutes), by=group.coordinator
    )


def make_past_session(*, group: SupervisionGroup, days_ago: int = 0) -> SupervisionSession:
    """A session that has already started (created directly: services refuse the past)."""
    start = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    session = make_session(group=group)
    SupervisionSession.objects.filter(pk=session.pk).update(
        start=start, end=start + dt.timedelta(hours=1), papers_due_at=start - dt.timedelta(days=3)
    )
    session.refresh_from_db()
    return session


def add_item(session: SupervisionSession, family: Family, presenter: User, **extra: object) -> AgendaItem:
    return services.add_item(session=session, family=family, presenter=presenter, by=session.group.coordinator, **extra)  # type: ignore[arg-type]


CHAIR = Discipline.CHAIR
SOCIAL_WORKER = Discipline.SOCIAL_WORKER
