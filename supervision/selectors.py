"""Reads that cross relations, each with a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from diary.models import AttendeeResponse, MeetingAttendee
from families.models import Family
from supervision.models import (
    ADULT_SPECIALISMS,
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    Attendance,
    Discipline,
    GroupMember,
    MinutesEntry,
    MinutesSection,
    Paper,
    SessionGuest,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.models.minutes import SECTION_HINTS
from supervision.permissions import visible_family_ids


@dataclass
class DueFamily:
    family: Family
    last_discussed: dt.datetime | None

    @property
    def days_since(self) -> int | None:
        if self.last_discussed is None:
            return None
        return (timezone.localdate() - timezone.localtime(self.last_discussed).date()).days


def _due_families(
    *, group: SupervisionGroup, session: SupervisionSession | None, now: dt.datetime
) -> tuple[QuerySet[Family], dt.datetime]:
    """The team's open families with no discussion in this group between the cutoff and the reference time.

    "Last discussed before the cutoff, or never" is the same set as "not discussed since
    the cutoff": a NOT EXISTS the planner answers from the agenda items' indexes, with no
    MAX to compute per family.
    """
    reference = session.start if session is not None else now
    cutoff = reference - dt.timedelta(days=group.discussion_interval_days)
    recent = AgendaItem.objects.filter(
        family=OuterRef("pk"),
        session__group=group,
        session__status=SessionStatus.SCHEDULED,
        session__start__gte=cutoff,
    )
    if session is not None:
        recent = recent.filter(session__start__lt=reference)
    # Without a session, a family on an agenda today or later is planned, not due: a family
    # discussed this morning, or on next week's agenda, is never listed as "due".
    families = Family.objects.open().filter(team_id=group.team_id).filter(~Exists(recent))
    if session is not None:
        families = families.exclude(gcs_items__session=session)
    return families, reference


def families_due_count(*, group: SupervisionGroup, now: dt.datetime | None = None) -> int:
    """How many of the team's families are due for discussion: one aggregate query."""
    families, _ = _due_families(group=group, session=None, now=now or timezone.now())
    return families.count()


def families_due(
    *, group: SupervisionGroup, session: SupervisionSession | None = None, now: dt.datetime | None = None
) -> list[DueFamily]:
    """The team's open families not discussed in the last N days (never-discussed first, then oldest).

    Families already on `session`'s agenda are left out; without a session, so are
    families on any agenda from today on. Two queries whatever the team's
    size: the due families, then when each was last discussed (one GROUP BY over this
    group's agenda items for those families).
    """
    now = now or timezone.now()
    families, reference = _due_families(group=group, session=session, now=now)
    due = list(families.select_related("allocated_practitioner"))
    last: dict[int, dt.datetime] = (
        dict(
            AgendaItem.objects.filter(
                family_id__in=[f.pk for f in due],
                session__group=group,
                session__status=SessionStatus.SCHEDULED,
                session__start__lt=reference,
            )
            .order_by()
            .values("family_id")
            .annotate(last=Max("session__start"))
            .values_list("family_id", "last")
        )
        if due
        else {}
    )
    rows = [DueFamily(family=f, last_discussed=last.get(f.pk)) for f in due]
    rows.sort(key=lambda r: (r.last_discussed is not None, r.last_discussed or now, r.family.case_reference))
    return rows


def families_due_page(
    *, group: SupervisionGroup, session: SupervisionSession, limit: int
) -> tuple[list[DueFamily], int]:
    """The `limit` families due longest for `session`'s agenda, and how many are due: two queries.

    The same families and order as `families_due`, but only the first `limit` leave the
    database: when each was last discussed is a MAX over a join to this group's earlier
    agenda items (a hash aggregate over the team's families, not a subquery per
    family), sorted never-discussed first.
    """
    families, reference = _due_families(group=group, session=session, now=session.start)
    total = families.count()
    earlier = Q(
        gcs_items__session__group=group,
        gcs_items__session__status=SessionStatus.SCHEDULED,
        gcs_items__session__start__lt=reference,
    )
    page = (
        families.select_related("allocated_practitioner")
        .annotate(last=Max("gcs_items__session__start", filter=earlier))
        .order_by(F("last").asc(nulls_first=True), "case_reference")[:limit]
    )
    return [DueFamily(family=f, last_discussed=f.last) for f in page], total


@dataclass
class AgendaRow:
    item: AgendaItem
    slot_start: dt.datetime
    slot_end: dt.datetime
    papers: list[Paper]
    carried_actions: list[Action]
    family_visible: bool
    presenter_response: str = ""
    specialists: list[User] = field(default_factory=list)
    reviews: dict[int, ActionReview] = field(default_factory=dict)

    @property
    def carried_with_reviews(self) -> list[tuple[Action, ActionReview | None]]:
        return [(action, self.reviews.get(action.pk)) for action in self.carried_actions]

    @property
    def has_late_papers(self) -> bool:
        return any(p.late for p in self.papers)


def agenda_rows(*, session: SupervisionSession, user: Any) -> list[AgendaRow]:
    """The running order with time slots, papers, and open actions carried from earlier discussions."""
    items = list(
        session.items.select_related("family", "presenter")
        .prefetch_related(
            Prefetch("papers", queryset=Paper.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")),
            "specialists",
        )
        .order_by("position", "pk")
    )
    family_ids = {item.family_id for item in items}
    carried: dict[int, list[Action]] = defaultdict(list)
    reviews = {
        (r.item_id, r.action_id): r
        for r in ActionReview.objects.filter(item__session=session).select_related("owner_before", "owner_after")
    }
    reviewed_ids = {action_id for _, action_id in reviews}
    # Open earlier actions, and those this session has reviewed (marked done ones included).
    for action in (
        Action.objects.filter(
            group_id=session.group_id, family_id__in=family_ids, item__session__start__lt=session.start
        )
        .filter(Q(status=ActionStatus.OPEN) | Q(pk__in=reviewed_ids))
        .select_related("owner", "item__session")
        .order_by("due_on", "pk")
    ):
        carried[action.family_id].append(action)
    responses = _responses(session)
    visible = visible_family_ids(user, family_ids)
    rows = []
    cursor = session.start
    for item in items:
        end = cursor + dt.timedelta(minutes=item.duration_minutes)
        rows.append(
            AgendaRow(
                item=item,
                slot_start=cursor,
                slot_end=end,
                papers=list(item.papers.all()),
                carried_actions=carried.get(item.family_id, []),
                reviews={
                    a.pk: reviews[(item.pk, a.pk)]
                    for a in carried.get(item.family_id, [])
                    if (item.pk, a.pk) in reviews
                },
                family_visible=item.family_id in visible,
                presenter_response=responses.get(item.presenter_id, ""),
                specialists=list(item.specialists.all()),
            )
        )
        cursor = end
    return rows


def _responses(session: SupervisionSession) -> dict[int, str]:
    if session.meeting_id is None:
        return {}
    return dict(
        MeetingAttendee.objects.current()
        .filter(meeting_id=session.meeting_id, user__isnull=False)
        .values_list("user_id", "response")
    )


@dataclass
class AttendanceRow:
    user: User
    discipline: str
    discipline_label: str
    response: str
    response_label: str
    attendance: str


def attendance_rows(*, session: SupervisionSession) -> list[AttendanceRow]:
    """Everyone invited, with their discipline, their answer to the invite and their recorded attendance."""
    disciplines = dict(GroupMember.objects.filter(group_id=session.group_id).values_list("user_id", "discipline"))
    labels = dict(Discipline.choices)
    recorded = dict(Attendance.objects.filter(session=session).values_list("user_id", "status"))
    response_labels = dict(AttendeeResponse.choices)
    attendees: list[MeetingAttendee] = []
    if session.meeting_id is not None:
        attendees = list(
            MeetingAttendee.objects.current()
            .filter(meeting_id=session.meeting_id, user__isnull=False)
            .select_related("user")
            .order_by("user__full_name")
        )
    rows = []
    for attendee in attendees:
        assert attendee.user is not None  # filtered above
        discipline = disciplines.get(attendee.user_id or 0, "")
        rows.append(
            AttendanceRow(
                user=attendee.user,
                discipline=discipline,
                discipline_label=labels.get(
                    discipline, "Coordinator" if attendee.user_id == session.group.coordinator_id else "Minute-taker"
                ),
                response=attendee.response,
                response_label=response_labels.get(attendee.response, attendee.response),
                attendance=recorded.get(attendee.user_id or 0, ""),
            )
        )
    return rows


@dataclass
class GuestRow:
    guest: SessionGuest
    response: str


def guest_rows(*, session: SupervisionSession) -> list[GuestRow]:
    """The session's guests with their answer to the invitation (two queries)."""
    guests = list(session.guests.order_by("name", "pk"))
    responses: dict[str, str] = {}
    if guests and session.meeting_id is not None:
        responses = dict(
            MeetingAttendee.objects.current()
            .filter(meeting_id=session.meeting_id, user__isnull=True)
            .values_list("email", "response")
        )
    return [GuestRow(guest=g, response=responses.get(g.email.lower(), "")) for g in guests]


def attendance_warnings(
    *, session: SupervisionSession, rows: list[AttendanceRow], agenda: list[AgendaRow]
) -> list[str]:
    """What the coordinator should chase before the meeting."""
    if session.is_cancelled:
        return []
    confirmed = {row.user.pk for row in rows if row.response == AttendeeResponse.ACCEPTED}
    warnings = []
    chairs = [row for row in rows if row.discipline == Discipline.CHAIR]
    if not chairs:
        warnings.append("The group has no chair. Add a member as chair.")
    elif not any(row.user.pk in confirmed for row in chairs):
        warnings.append("No chair has confirmed they are coming.")
    members = {row.user.pk for row in rows if row.discipline}
    group_has_specialists = any(row.discipline in ADULT_SPECIALISMS for row in rows)
    for agenda_row in agenda:
        item = agenda_row.item
        ref = item.family.case_reference
        if item.presenter_id not in members:
            warnings.append(
                f"{ref}: the presenting worker, {item.presenter.full_name}, is no longer in the group. "
                "Remove the family from the agenda and add it again with another presenting worker."
            )
        elif item.presenter_id not in confirmed:
            warnings.append(f"{ref}: the presenting worker, {item.presenter.full_name}, has not confirmed.")
        if group_has_specialists and not agenda_row.specialists:
            warnings.append(
                f"{ref}: no adult specialists are set for this family, so whether they are coming is not checked."
            )
        missing = [s.full_name for s in agenda_row.specialists if s.pk not in confirmed]
        if missing:
            warnings.append(
                f"{ref}: adult specialists working with this family have not confirmed: {', '.join(missing)}."
            )
    return warnings


@dataclass
class MinutesSectionView:
    key: str
    label: str
    hint: str
    text: str
    version: int


@dataclass
class MinutesRow:
    agenda: AgendaRow
    sections: list[MinutesSectionView]
    actions: list[Action]


def minutes_rows(*, session: SupervisionSession, user: Any) -> list[MinutesRow]:
    agenda = agenda_rows(session=session, user=user)
    entries: dict[tuple[int, str], MinutesEntry] = {
        (e.item_id, e.section): e for e in MinutesEntry.objects.filter(item__session=session)
    }
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.filter(item__session=session).select_related("owner").order_by("due_on", "pk"):
        actions[action.item_id].append(action)
    rows = []
    for row in agenda:
        sections = []
        for key, label in MinutesSection.choices:
            entry = entries.get((row.item.pk, key))
            sections.append(
                MinutesSectionView(
                    key=key,
                    label=label,
                    hint=SECTION_HINTS[MinutesSection(key)],
                    text=entry.text if entry else "",
                    version=entry.version if entry else 0,
                )
            )
        rows.append(MinutesRow(agenda=row, sections=sections, actions=actions.get(row.item.pk, [])))
    return rows


def group_members(group: SupervisionGroup) -> list[GroupMember]:
    return list(group.members.select_related("user").order_by("user__full_name"))


def actions_for_group(
    *,
    group: SupervisionGroup,
    status: str = "",
    family_id: int | None = None,
    case_reference: str = "",
    owner_id: int | None = None,
) -> QuerySet[Action]:
    actions = Action.objects.filter(group=group).select_related("owner", "family", "item__session")
    if status == "overdue":
        actions = actions.overdue()
    elif status in ActionStatus.values:
        actions = actions.filter(status=status)
    if family_id:
        actions = actions.filter(family_id=family_id)
    if case_reference:
        actions = actions.filter(family__case_reference__iexact=case_reference)
    if owner_id:
        actions = actions.filter(owner_id=owner_id)
    return actions.order_by("status", "due_on", "pk")


def session_list(group: SupervisionGroup) -> QuerySet[SupervisionSession]:
    return group.sessions.with_counts().order_by("start")
