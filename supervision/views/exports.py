"""CSV exports of a group's action tracker and of attendance per member, each audited."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.exports import csv_response
from core.models import AuditAction
from supervision.models import Attendance, AttendanceStatus, Discipline, SessionStatus
from supervision.permissions import get_group_for_user
from supervision.selectors import actions_for_group, group_members


@login_required
@require_GET
def actions_csv(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    today = timezone.localdate()
    with transaction.atomic():
        actions = list(actions_for_group(group=group))
        audit.record(
            action=AuditAction.EXPORT, obj=group, request=request, detail={"export": "actions", "rows": len(actions)}
        )
    rows = (
        [
            a.family.case_reference,
            a.description,
            a.owner.full_name,
            a.due_on.isoformat(),
            "Overdue" if a.status == "open" and a.due_on < today else a.get_status_display(),
            timezone.localtime(a.item.session.start).date().isoformat(),
            timezone.localtime(a.completed_at).date().isoformat() if a.completed_at else "",
        ]
        for a in actions
    )
    return csv_response(
        f"gcs-actions-{today:%Y-%m-%d}.csv",
        ["Case reference", "What", "Owner", "Due", "Status", "Agreed at session", "Done on"],
        rows,
    )


@login_required
@require_GET
def attendance_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """For each member: sessions held with attendance recorded, and how often present, with apologies, absent."""
    # How often each person came is for those who run the group, not for every member.
    group = get_group_for_user(request.user, pk, manage=True)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with transaction.atomic():
        members = group_members(group)
        recorded = Attendance.objects.filter(session__group=group, session__status=SessionStatus.SCHEDULED)
        for user_id, status in recorded.values_list("user_id", "status"):
            counts[user_id][status] += 1
        sessions = recorded.values("session_id").distinct().count()
        audit.record(
            action=AuditAction.EXPORT, obj=group, request=request, detail={"export": "attendance", "rows": len(members)}
        )
    labels = dict(Discipline.choices)
    rows = []
    for member in members:
        c = counts[member.user_id]
        present = c[AttendanceStatus.PRESENT]
        rows.append(
            [
                member.user.full_name,
                labels.get(member.discipline, member.discipline),
                sessions,
                present,
                c[AttendanceStatus.APOLOGIES],
                c[AttendanceStatus.ABSENT],
                round(100 * present / sessions) if sessions else "",
            ]
        )
    return csv_response(
        f"gcs-attendance-{timezone.localdate():%Y-%m-%d}.csv",
        ["Member", "Discipline", "Sessions recorded", "Present", "Apologies", "Absent", "Present (%)"],
        rows,
    )
