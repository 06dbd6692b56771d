"""The approved minutes as a snapshot, and their PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.pdf import render_pdf
from supervision.models import (
    ActionReview,
    AttendanceStatus,
    Discipline,
    MinutesSection,
    MinutesVersion,
    SupervisionSession,
)
from supervision.services.common import local_label

HANDLING_NOTE = (
    "These minutes contain personal information about children and families. Keep them within the "
    "distribution list below and in Kinfolk: do not forward, copy or print them beyond it, and do not share "
    "them with a family without redaction. Destroy printed copies securely when no longer needed."
)


def attendee_role(*, discipline: str, user_id: int, session: SupervisionSession) -> str:
    """The role an attendee had, in words: their discipline, and whether they coordinate or take the minutes."""
    labels = dict(Discipline.choices)
    parts = [labels[discipline]] if discipline in labels else []
    group = session.group
    if user_id == group.coordinator_id:
        parts.append("coordinator")
    if user_id == group.minute_taker_id:
        parts.append("minute-taker")
    if not parts:
        return "Invited"
    return ", ".join([parts[0][0].upper() + parts[0][1:], *parts[1:]])


def build_snapshot(session: SupervisionSession) -> dict[str, Any]:
    """The minutes as approved, in plain JSON: what the PDF and later readers see.

    Families appear by case reference only; the family name never leaves the
    live record (the PDF is a document that travels). Each person's role is
    shown, guests with theirs; the review of earlier actions is part of each
    family's discussion.
    """
    attendance = list(session.attendance.select_related("user").order_by("user__full_name"))
    guests = list(session.guests.order_by("name", "pk"))
    items = list(
        session.items.select_related("family", "presenter")
        .prefetch_related("entries", "actions__owner")
        .order_by("position", "pk")
    )
    reviews: dict[int, list[ActionReview]] = {}
    for review in (
        ActionReview.objects.filter(item__session=session)
        .select_related("action", "owner_before", "owner_after")
        .order_by("action__due_on", "action__pk")
    ):
        reviews.setdefault(review.item_id, []).append(review)
    labels = dict(MinutesSection.choices)
    snapshot_items = []
    for item in items:
        texts = {entry.section: entry.text for entry in item.entries.all()}
        snapshot_items.append(
            {
                "case_reference": item.family.case_reference,
                "presenter": item.presenter.full_name,
                "sections": [
                    {"key": key, "label": labels[key], "text": texts.get(key, "")} for key in MinutesSection.values
                ],
                "reviews": [
                    {
                        "description": r.action.description,
                        "owner": r.owner_after.full_name,
                        "due_on": r.due_after.isoformat(),
                        "outcome": r.outcome,
                    }
                    for r in reviews.get(item.pk, [])
                ],
                "actions": [
                    {
                        "description": a.description,
                        "owner": a.owner.full_name,
                        "due_on": a.due_on.isoformat(),
                    }
                    for a in sorted(item.actions.all(), key=lambda a: (a.due_on, a.pk))
                ],
            }
        )

    def people(status: str) -> list[dict[str, str]]:
        staff = [
            {
                "name": a.user.full_name,
                "discipline": attendee_role(discipline=a.discipline, user_id=a.user_id, session=session),
            }
            for a in attendance
            if a.status == status
        ]
        return staff + [{"name": g.name, "discipline": g.role_label} for g in guests if g.attendance == status]

    present, apologies = people(AttendanceStatus.PRESENT), people(AttendanceStatus.APOLOGIES)
    return {
        "group": session.group.name,
        "team": session.group.team.name,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "location": session.location,
        "present": present,
        "apologies": apologies,
        # Who the approved minutes are circulated to (circulate_minutes): staff present or with apologies.
        "distribution": [
            {
                "name": a.user.full_name,
                "discipline": attendee_role(discipline=a.discipline, user_id=a.user_id, session=session),
            }
            for a in attendance
            if a.status in {AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES}
        ],
        "handling_note": HANDLING_NOTE,
        "items": snapshot_items,
    }


def render_minutes_pdf(*, version: MinutesVersion) -> MinutesVersion:
    """Render and store the PDF of an approved version (once; safe to call again)."""
    if version.pdf:
        return version
    session = version.session
    snapshot = version.snapshot
    when = local_label(dt.datetime.fromisoformat(snapshot["start"]))
    pdf = render_pdf(
        template="supervision/pdf/minutes.html",
        context={"snapshot": snapshot, "version": version, "when": when},
        title=f"Group Case Supervision minutes – {snapshot['group']} – {when}",
        running_header=f"Group Case Supervision – {snapshot['group']} – {when}",
    )
    # The field's upload_to adds "gcs/minutes/"; naming it here too stored gcs/minutes/gcs/minutes/….
    name = f"{session.pk}/minutes-{session.pk}-v{version.number}.pdf"
    with transaction.atomic():
        locked = MinutesVersion.objects.select_for_update().get(pk=version.pk)
        if locked.pdf:
            return locked
        locked.pdf.save(name, ContentFile(pdf), save=False)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
    return locked
