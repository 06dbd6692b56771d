"""The GCS to-do list on the home page: what a coordinator, minute-taker or chair should act on next.

Every warning uses what is known: a chair or presenter recorded present at the
meeting has come, whatever they answered to the invitation; a family on an
agenda today, or on one still to come, is not "due for discussion". Each entry
links to the page where it is put right.

A fixed number of queries whatever the number of groups, sessions, families
or actions (tests/supervision/test_home_todo.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from diary.models import AttendeeResponse, MeetingAttendee
from families.models import Family
from supervision.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Discipline,
    GroupMember,
    MinutesStatus,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.permissions import uses_gcs

# How far ahead the list looks for sessions to prepare.
LOOK_AHEAD = dt.timedelta(days=28)
# Most entries shown under one heading; the rest are counted and linked.
SHOWN = 10


@dataclass(frozen=True)
class TodoEntry:
    text: str
    url: str
    link_text: str
    tag: str = ""


@dataclass
class TodoSection:
    title: str
    entries: list[TodoEntry] = field(default_factory=list)
    more: int = 0


@dataclass(frozen=True)
class Roles:
    """The groups in which the user runs the group, keeps the minutes or chairs."""

    manage: frozenset[int]
    minutes: frozenset[int]
    approve: frozenset[int]

    @property
    def any(self) -> frozenset[int]:
        return self.manage | self.minutes | self.approve


def roles_of(user: Any) -> Roles:
    """Two queries: the groups the user coordinates, minutes or manages, and those they chair."""
    condition = Q(coordinator=user) | Q(minute_taker=user)
    if Role.MANAGER.value in user.role_names:
        condition |= Q(team__managers=user)
    manage: set[int] = set()
    minutes: set[int] = set()
    for pk, coordinator_id, minute_taker_id, managed in (
        SupervisionGroup.objects.filter(condition)
        .annotate(managed=Count("team__managers", filter=Q(team__managers=user)))
        .values_list("pk", "coordinator_id", "minute_taker_id", "managed")
        .distinct()
    ):
        if coordinator_id == user.pk or managed:
            manage.add(pk)
        if user.pk in {coordinator_id, minute_taker_id}:
            minutes.add(pk)
    chairs = set(GroupMember.objects.filter(user=user, discipline=Discipline.CHAIR).values_list("group_id", flat=True))
    return Roles(manage=frozenset(manage), minutes=frozenset(minutes | chairs), approve=frozenset(chairs))


def _section(title: str, entries: list[TodoEntry]) -> TodoSection:
    return TodoSection(title=title, entries=entries[:SHOWN], more=max(0, len(entries) - SHOWN))


def _when(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%-d %B %Y}"


def _minutes_sections(roles: Roles, now: dt.datetime) -> list[TodoSection]:
    sessions = list(
        SupervisionSession.objects.filter(
            group_id__in=roles.minutes | roles.approve,
            status=SessionStatus.SCHEDULED,
            end__lt=now,
            minutes_status__in=[MinutesStatus.DRAFT, MinutesStatus.RETURNED, MinutesStatus.SUBMITTED],
        )
        .filter(Exists(AgendaItem.objects.filter(session=OuterRef("pk"))))
        .select_related("group")
        .order_by("start")
    )
    write, returned, approve = [], [], []
    for session in sessions:
        url = reverse("supervision:minutes", kwargs={"pk": session.pk})
        label = f"{session.group.name}, {_when(session.start)}"
        if session.minutes_status == MinutesStatus.DRAFT and session.group_id in roles.minutes:
            write.append(TodoEntry(label, url, "Write the minutes"))
        elif session.minutes_status == MinutesStatus.RETURNED and session.group_id in roles.minutes:
            returned.append(TodoEntry(label, url, "Correct the minutes", tag="Returned"))
        elif session.minutes_status == MinutesStatus.SUBMITTED and session.group_id in roles.approve:
            approve.append(TodoEntry(label, url, "Approve or return the minutes"))
    return [
        _section("Minutes to write", write),
        _section("Minutes returned with comments", returned),
        _section("Minutes to approve", approve),
    ]


def _preparation_sections(roles: Roles, now: dt.datetime) -> list[TodoSection]:
    """Papers missing, and sessions whose chair or presenters have not confirmed, in the weeks ahead."""
    sessions = list(
        SupervisionSession.objects.filter(
            group_id__in=roles.manage, status=SessionStatus.SCHEDULED, end__gte=now, start__lt=now + LOOK_AHEAD
        )
        .select_related("group")
        .order_by("start")
    )
    if not sessions:
        return [_section("Papers missing", []), _section("Sessions without a confirmed chair or presenter", [])]
    session_ids = [s.pk for s in sessions]
    # Plain rows, not model instances: a coordinator of many groups has hundreds of items ahead.
    items: dict[int, list[tuple[str, int, str, int]]] = defaultdict(list)
    for session_id, reference, presenter_id, presenter_name, paper_count in (
        AgendaItem.objects.filter(session_id__in=session_ids)
        .order_by("position", "pk")
        .values_list("session_id", "family__case_reference", "presenter_id", "presenter__full_name")
        .annotate(paper_count=Count("papers"))
    ):
        items[session_id].append((reference, presenter_id, presenter_name, paper_count))
    accepted: set[tuple[int, int]] = set(
        MeetingAttendee.objects.current()
        .filter(
            meeting_id__in=[s.meeting_id for s in sessions if s.meeting_id],
            user__isnull=False,
            response=AttendeeResponse.ACCEPTED,
        )
        .values_list("meeting_id", "user_id")
    )
    present: set[tuple[int, int]] = set(
        Attendance.objects.filter(session_id__in=session_ids, status=AttendanceStatus.PRESENT).values_list(
            "session_id", "user_id"
        )
    )
    chairs: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in GroupMember.objects.filter(
        group_id__in={s.group_id for s in sessions}, discipline=Discipline.CHAIR
    ).values_list("group_id", "user_id"):
        chairs[group_id].add(user_id)

    def coming(session: SupervisionSession, user_id: int) -> bool:
        return (session.meeting_id, user_id) in accepted or (session.pk, user_id) in present

    papers, confirm = [], []
    for session in sessions:
        label = f"{session.group.name}, {_when(session.start)}"
        detail_url = reverse("supervision:session_detail", kwargs={"pk": session.pk})
        attendance_url = reverse("supervision:attendance", kwargs={"pk": session.pk})
        missing = [reference for reference, _, _, paper_count in items[session.pk] if not paper_count]
        if missing:
            refs = ", ".join(missing)
            late = session.papers_due_at < now
            papers.append(
                TodoEntry(
                    f"{label}: no papers for {refs} (due {_when(session.papers_due_at)})",
                    detail_url,
                    "See the agenda",
                    tag="Deadline passed" if late else "",
                )
            )
        problems = []
        if not chairs[session.group_id]:
            problems.append("the group has no chair")
        elif not any(coming(session, chair) for chair in chairs[session.group_id]):
            problems.append("no chair has confirmed")
        unconfirmed = sorted(
            {name for _, presenter_id, name, _ in items[session.pk] if not coming(session, presenter_id)}
        )
        if unconfirmed:
            problems.append("presenters not confirmed: " + ", ".join(unconfirmed))
        if problems:
            confirm.append(TodoEntry(f"{label}: " + "; ".join(problems), attendance_url, "Check who is coming"))
    return [
        _section("Papers missing", papers),
        _section("Sessions without a confirmed chair or presenter", confirm),
    ]


def _due_section(roles: Roles, now: dt.datetime) -> TodoSection:
    """Families due for discussion and on no agenda from today on: one counting query across the user's groups."""
    groups = list(
        SupervisionGroup.objects.filter(pk__in=roles.manage).values_list(
            "pk", "team_id", "name", "discussion_interval_days"
        )
    )
    if not groups:
        return _section("Families due for discussion", [])
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    last = (
        AgendaItem.objects.filter(
            family=OuterRef("pk"), session__group__team_id=OuterRef("team_id"), session__status=SessionStatus.SCHEDULED
        )
        .order_by()
        .values("family")
        .annotate(last=Max("session__start"))
        .values("last")
    )
    # Never discussed, or last discussed before the group's interval and before today: a
    # family on an agenda today or later is planned, so not due, whatever the interval.
    # Counted here rather than in SQL: an OR per group makes the database run the
    # subquery once per branch (measured 3x slower on 40 groups, bench/gcs_figures.py).
    cutoffs = {team_id: min(start_of_today, now - dt.timedelta(days=days)) for _, team_id, _, days in groups}
    counts: dict[int, int] = defaultdict(int)
    for team_id, last_discussed in (
        Family.objects.open()
        .filter(team_id__in=cutoffs)
        .annotate(last_discussed=Subquery(last))
        .values_list("team_id", "last_discussed")
    ):
        if last_discussed is None or last_discussed < cutoffs[team_id]:
            counts[team_id] += 1
    entries = [
        TodoEntry(
            f"{name}: {n} famil{'y' if n == 1 else 'ies'} not discussed recently and on no agenda",
            reverse("supervision:group_detail", kwargs={"pk": pk}),
            "Plan the next agenda",
        )
        for pk, team_id, name, _ in groups
        if (n := counts.get(team_id, 0))
    ]
    return _section("Families due for discussion", entries)


def _overdue_section(user: Any, roles: Roles, today: dt.date) -> TodoSection:
    rows = (
        Action.objects.overdue(today)
        .filter(Q(group_id__in=roles.manage | roles.minutes) | Q(owner=user))
        .values("group_id", "group__name")
        .annotate(total=Count("pk"), mine=Count("pk", filter=Q(owner=user)))
        .order_by("group__name")
    )
    entries = []
    for row in rows:
        url = reverse("supervision:action_list", kwargs={"pk": row["group_id"]}) + "?status=overdue"
        if row["group_id"] in roles.manage | roles.minutes:
            text = f"{row['group__name']}: {row['total']} overdue action{'s' if row['total'] != 1 else ''}"
            if row["mine"]:
                text += f", {row['mine']} of them yours"
        else:
            text = f"{row['group__name']}: {row['mine']} overdue action{'s' if row['mine'] != 1 else ''} of yours"
        entries.append(TodoEntry(text, url, "See the overdue actions", tag="Overdue"))
    return _section("Overdue actions", entries)


def todo_for(user: Any, *, now: dt.datetime | None = None) -> list[TodoSection]:
    """The user's to-do list, only the headings with something under them."""
    if not uses_gcs(user):
        return []
    now = now or timezone.now()
    roles = roles_of(user)
    sections: list[TodoSection] = []
    if roles.any:
        sections += _minutes_sections(roles, now)
    if roles.manage:
        sections += _preparation_sections(roles, now)
        sections.append(_due_section(roles, now))
    sections.append(_overdue_section(user, roles, timezone.localdate(now)))
    return [section for section in sections if section.entries]
