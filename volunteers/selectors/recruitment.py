"""Reads for recruitment pages, with their joins built in so a page's queries do not grow with its rows."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from volunteers.models import (
    RoleApplication,
    Stage,
    SupervisionConversation,
    Volunteer,
    VolunteerRole,
)
from volunteers.services.recruitment import Records, assess

PAGE_SIZE = 50


def volunteer_page(
    volunteers: QuerySet[Volunteer], *, q: str = "", role: str = "", stage: str = "", page: Any = None
) -> Page[Volunteer]:
    qs = volunteers.filter(anonymised_on__isnull=True).select_related("locality")
    for word in q.split():
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    apps = RoleApplication.objects.order_by("role")
    if role or stage:
        condition = Q()
        if role:
            condition &= Q(applications__role=role)
        if stage:
            condition &= Q(applications__stage=stage)
        qs = qs.filter(condition).distinct()
    qs = qs.prefetch_related(Prefetch("applications", queryset=apps))
    return Paginator(qs.order_by("first_name", "last_name", "pk"), PAGE_SIZE).get_page(page)


def volunteer_record(volunteer: Volunteer, *, on: dt.date) -> dict[str, Any]:
    """Everything on a volunteer's page: each application's task list, and their records."""
    records = Records.of(volunteer)
    applications = list(volunteer.applications.all())
    for application in applications:
        application.volunteer = volunteer
        application.tasks = assess(application, records=records, on=on)  # type: ignore[attr-defined]
    conversations = list(volunteer.conversations.select_related("recorded_by")[:10])
    return {
        "volunteer": volunteer,
        "applications": applications,
        "checks": records.checks,
        "dbs_checks": records.dbs,
        "references": records.references,
        "absences": list(volunteer.absences.filter(ends_on__gte=on)),
        "declarations": list(volunteer.declarations.all()),
        "conversations": conversations,
        "next_conversation_due": conversations[0].next_due_on if conversations else None,
        "today": on,
    }


def conversations_due(volunteers: QuerySet[Volunteer], *, on: dt.date, within_days: int = 14) -> list[Volunteer]:
    """Approved, current volunteers whose next conversation is due within two weeks, overdue, or never held."""
    latest = SupervisionConversation.objects.filter(volunteer=OuterRef("pk")).order_by("-held_on", "-pk")
    qs = (
        volunteers.filter(left_on__isnull=True, anonymised_on__isnull=True, applications__stage=Stage.APPROVED)
        .distinct()
        .annotate(next_due=Subquery(latest.values("next_due_on")[:1]), last_held=Max("conversations__held_on"))
        .filter(Q(next_due__isnull=True) | Q(next_due__lte=on + dt.timedelta(days=within_days)))
        .order_by(F("next_due").asc(nulls_first=True), "first_name")  # never held: most urgent
    )
    return list(qs)


@dataclass(frozen=True)
class StageRow:
    role: str
    stage: str
    count: int
    median_days: int
    max_days: int


def stage_figures(*, on: dt.date) -> list[StageRow]:
    """Applicants by role and stage, and how long they have been in it (days). Anonymised volunteers count."""
    days: dict[tuple[str, str], list[int]] = {}
    for role, stage, since in RoleApplication.objects.values_list("role", "stage", "stage_since"):
        days.setdefault((role, stage), []).append((on - since).days)
    rows = []
    for role in VolunteerRole:
        for stage in Stage:
            values = days.get((role.value, stage.value))
            if values:
                rows.append(StageRow(role.label, stage.label, len(values), int(statistics.median(values)), max(values)))
    return rows


def home_counts(*, on: dt.date) -> dict[str, int]:
    """The coordinator's home panel: what is waiting on them."""
    from volunteers.models import DbsCheck, DbsOutcome, Reference, ReferenceStatus

    current = Volunteer.objects.current()
    in_pipeline = (
        RoleApplication.objects.filter(volunteer__in=current)
        .exclude(stage__in=[Stage.APPROVED, Stage.PAUSED, Stage.LEFT])
        .count()
    )
    return {
        "in_pipeline": in_pipeline,
        "references_to_review": Reference.objects.filter(
            status=ReferenceStatus.RECEIVED, volunteer__in=current
        ).count(),
        "dbs_to_decide": DbsCheck.objects.filter(
            outcome=DbsOutcome.DISCLOSED, decision="", volunteer__in=current
        ).count(),
        "supervision_due": len(conversations_due(current, on=on, within_days=0)),
    }
