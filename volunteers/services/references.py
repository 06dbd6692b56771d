"""References: asked by email with a single-use signed link, chased, and counted only once reviewed.

The link signs the reference's id and a random nonce; it works until the referee
replies (the status leaves REQUESTED), the reference fails, or it is older than
KINFOLK_REFERENCE_FAIL_DAYS. No one signs in to give a reference. The emails name
the applicant (the referee knows them) and never a family.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from core import audit
from core.models import AuditAction
from outbox.services import enqueue_email
from volunteers.models import Reference, ReferenceStatus, Volunteer
from volunteers.services.recruitment import coordinator_emails, now, recompute_volunteer

SALT = "kinfolk.volunteers.reference"
# Chase after these many days without a reply; fail after KINFOLK_REFERENCE_FAIL_DAYS.
CHASE_AFTER_DAYS = (7, 14)


def token_for(reference: Reference) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{reference.pk}:{reference.nonce}")


def link_for(reference: Reference) -> str:
    return settings.SITE_URL + reverse("volunteers:reference_respond", kwargs={"token": token_for(reference)})


def reference_from_token(token: str) -> Reference | None:
    """The reference the link is for, if it still accepts a reply; None for a used, expired or forged link."""
    max_age = dt.timedelta(days=settings.KINFOLK_REFERENCE_FAIL_DAYS)
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
        pk, nonce = value.split(":", 1)
    except (signing.BadSignature, ValueError):
        return None
    reference = Reference.objects.select_related("volunteer").filter(pk=int(pk), nonce=nonce).first()
    if reference is None or reference.status != ReferenceStatus.REQUESTED:
        return None
    return reference


def _send_request(reference: Reference, *, chase: int) -> None:
    enqueue_email(
        to=[reference.referee_email],
        template="volunteer_reference_request",
        context={
            "reference": reference,
            "applicant": reference.volunteer.full_name,
            "link": link_for(reference),
            "chase": chase,
            "days": settings.KINFOLK_REFERENCE_FAIL_DAYS,
        },
        idempotency_key=f"vol-reference:{reference.pk}:{chase}",
    )


@transaction.atomic
def request_reference(
    *, volunteer: Volunteer, by: User, referee_name: str, referee_email: str, relationship: str
) -> Reference:
    reference = Reference(
        volunteer=volunteer,
        referee_name=referee_name.strip(),
        referee_email=referee_email.strip(),
        relationship=relationship.strip(),
        nonce=secrets.token_urlsafe(32),
        requested_by=by,
        requested_at=now(),
    )
    reference.full_clean()
    reference.save()
    _send_request(reference, chase=0)
    recompute_volunteer(volunteer, by=by)
    return reference


@transaction.atomic
def give_reference(*, token: str, known_for: str, suitable: str, concerns: str, statement: str) -> Reference:
    """The referee's reply. Locks the row, so the link works exactly once."""
    found = reference_from_token(token)
    if found is None:
        raise ValidationError("This reference link has expired or has already been used.")
    reference = Reference.objects.select_for_update().get(pk=found.pk)
    if reference.status != ReferenceStatus.REQUESTED:
        raise ValidationError("This reference link has expired or has already been used.")
    reference.known_for, reference.suitable = known_for.strip(), suitable
    reference.concerns, reference.statement = concerns.strip(), statement.strip()
    reference.status, reference.received_at = ReferenceStatus.RECEIVED, now()
    reference.full_clean()
    reference.save()
    audit.record(action=AuditAction.UPDATE, obj=reference, detail={"received": True})
    recompute_volunteer(reference.volunteer)
    return reference


@transaction.atomic
def review_reference(*, reference: Reference, by: User, accept: bool, note: str = "") -> Reference:
    """A coordinator accepts a received reference (it then counts) or does not."""
    if reference.status != ReferenceStatus.RECEIVED:
        raise ValidationError("Only a reference the referee has sent can be reviewed.")
    reference.status = ReferenceStatus.ACCEPTED if accept else ReferenceStatus.REJECTED
    reference.reviewed_by, reference.reviewed_at, reference.review_note = by, now(), note.strip()
    reference.full_clean()
    reference.save()
    recompute_volunteer(reference.volunteer, by=by)
    return reference


def chase_references(*, at: dt.datetime | None = None) -> dict[str, int]:
    """Chase unanswered references at 1 and 2 weeks, fail them at 3. Safe to run twice, or at once.

    Each step claims its reference with a conditional UPDATE, so a second run (or a
    second worker) finds nothing left to do; each email has its own idempotency key.
    """
    at = at or now()
    counts = {"chased": 0, "failed": 0}
    fail_before = at - dt.timedelta(days=settings.KINFOLK_REFERENCE_FAIL_DAYS)
    for reference in Reference.objects.filter(
        status=ReferenceStatus.REQUESTED, requested_at__lte=fail_before
    ).select_related("volunteer__coordinator"):
        with transaction.atomic():
            claimed = Reference.objects.filter(pk=reference.pk, status=ReferenceStatus.REQUESTED).update(
                status=ReferenceStatus.FAILED, failed_at=at
            )
            if claimed:
                counts["failed"] += 1
                _tell_coordinator_failed(reference)
                recompute_volunteer(reference.volunteer)
    # A job that missed the first chase sends the latest one due, not both.
    due = Reference.objects.filter(
        status=ReferenceStatus.REQUESTED,
        chases_sent__lt=len(CHASE_AFTER_DAYS),
        requested_at__lte=at - dt.timedelta(days=CHASE_AFTER_DAYS[0]),
    ).select_related("volunteer")
    for reference in due:
        number = max(
            n
            for n, days in enumerate(CHASE_AFTER_DAYS, start=1)
            if reference.requested_at <= at - dt.timedelta(days=days)
        )
        with transaction.atomic():
            if Reference.objects.filter(
                pk=reference.pk, status=ReferenceStatus.REQUESTED, chases_sent__lt=number
            ).update(chases_sent=number):
                counts["chased"] += 1
                _send_request(reference, chase=number)
    return counts


def _tell_coordinator_failed(reference: Reference) -> None:
    recipients = coordinator_emails(reference.volunteer)
    if not recipients:
        return
    enqueue_email(
        to=recipients,
        template="notice",
        context={
            "subject": f"Reference not received for {reference.volunteer.full_name}",
            "body": (
                f"{reference.referee_name} has not given a reference for {reference.volunteer.full_name} "
                f"after {settings.KINFOLK_REFERENCE_FAIL_DAYS} days, so it is marked as failed. "
                f"Ask for another: {settings.SITE_URL}"
                + reverse("volunteers:volunteer_detail", kwargs={"pk": reference.volunteer_id})
            ),
            "marking": settings.PROTECTIVE_MARKING,
        },
        idempotency_key=f"vol-reference-failed:{reference.pk}",
    )
