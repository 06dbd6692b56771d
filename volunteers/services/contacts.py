"""The volunteer's contact log, safeguarding concerns raised in it, and nudges when contact lapses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from volunteers.models import CheckIn, Contact, ContactOutcome, Match, MatchState
from volunteers.services.lifecycle import _email, coordinator_addresses, practitioner_of

LOGGABLE_STATES = (MatchState.INTRODUCED, MatchState.ACTIVE)


@transaction.atomic
def log_contact(
    *,
    match: Match,
    by: User,
    occurred_on: dt.date,
    kind: str,
    outcome: str = ContactOutcome.MADE,
    minutes: int = 0,
    notes: str = "",
    miles: Decimal = Decimal("0"),
    concern: str = "",
) -> Contact:
    """Record a contact. A concern in it emails the practitioner and the coordinator at once."""
    match = Match.objects.select_for_update().select_related("request", "volunteer").get(pk=match.pk)
    if match.state not in LOGGABLE_STATES:
        raise ValidationError("Contacts can be logged only on a match that has started.")
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date of the contact must be today or in the past."})
    contact = Contact(
        match=match,
        occurred_on=occurred_on,
        kind=kind,
        outcome=outcome,
        minutes=minutes,
        notes=notes.strip(),
        miles=miles,
        concern=concern.strip(),
        logged_by=by,
    )
    contact.full_clean()
    contact.save()
    audit.record(action=AuditAction.CREATE, obj=contact, detail={"match": match.pk, "concern": bool(contact.concern)})
    if contact.concern:
        practitioner = practitioner_of(match)
        _email(
            match,
            to=sorted({practitioner.email, *coordinator_addresses(match)}),
            template="volunteer_concern",
            key=f"concern:{contact.pk}",
        )
    return contact


@transaction.atomic
def acknowledge_concern(*, contact: Contact, by: User) -> Contact:
    """The practitioner or the coordinator has seen the concern and is acting on it."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if not contact.concern:
        raise ValidationError("This contact raised no concern.")
    if contact.concern_acknowledged_at is None:
        contact.concern_acknowledged_at = timezone.now()
        contact.concern_acknowledged_by = by
        contact.save(update_fields=["concern_acknowledged_at", "concern_acknowledged_by"])
        audit.record(action=AuditAction.UPDATE, obj=contact, detail={"step": "concern_acknowledged"})
    return contact


def open_concerns(matches: QuerySet[Match]) -> QuerySet[Contact]:
    """Concerns not yet acknowledged on these matches (whatever their state: a concern outlives a match)."""
    return (
        Contact.objects.filter(match__in=matches, concern_acknowledged_at__isnull=True)
        .exclude(concern="")
        .select_related("match__request")
        .order_by("created_at")
    )


def with_last_contact(matches: QuerySet[Match]) -> QuerySet[Match]:
    """Each match with `last_contact_on`: the latest contact (made or tried), else the day it started."""
    return matches.annotate(last_contact_on=Coalesce(Max("contacts__occurred_on"), "started_on"))


def nudge_contact_gaps(*, today: dt.date | None = None) -> dict[str, int]:
    """Nudge the volunteer after 14 days without a contact, alert the coordinator after 30.

    Once per gap: the email's key carries the date of the last contact, so a run
    every day (or twice) sends each nudge once, and a new contact starts a new gap.
    """
    today = today or timezone.localdate()
    nudge_days = settings.KINFOLK_VOLUNTEER_CONTACT_NUDGE_DAYS
    alert_days = settings.KINFOLK_VOLUNTEER_CONTACT_ALERT_DAYS
    counts = {"nudged": 0, "alerted": 0}
    cutoff = today - dt.timedelta(days=nudge_days)
    active = with_last_contact(Match.objects.filter(state=MatchState.ACTIVE)).filter(last_contact_on__lte=cutoff)  # type: ignore[misc]  # an annotation django-stubs cannot see
    for match in active.select_related("request", "volunteer", "volunteer__coordinator"):
        gap = (today - match.last_contact_on).days  # type: ignore[attr-defined]
        since = match.last_contact_on.isoformat()  # type: ignore[attr-defined]
        with transaction.atomic():
            _email(
                match,
                to=[match.volunteer.email],
                template="volunteer_contact_nudge",
                key=f"gap-nudge:{since}",
                name=match.volunteer.first_name,
                days=gap,
            )
            counts["nudged"] += 1
            if gap >= alert_days:
                _email(
                    match,
                    to=coordinator_addresses(match),
                    template="volunteer_contact_alert",
                    key=f"gap-alert:{since}",
                    days=gap,
                )
                counts["alerted"] += 1
    return counts


@transaction.atomic
def record_check_in(*, match: Match, side: str, going_well: int, easy_to_meet: int, helping: int, by: User) -> CheckIn:
    """Three questions, from the volunteer (in the portal) or from the family (recorded by the practitioner)."""
    if match.state not in LOGGABLE_STATES:
        raise ValidationError("Check-ins are recorded on a match that has started.")
    check_in = CheckIn(
        match=match, side=side, going_well=going_well, easy_to_meet=easy_to_meet, helping=helping, recorded_by=by
    )
    check_in.full_clean()
    check_in.save()
    audit.record(action=AuditAction.CREATE, obj=check_in, detail={"match": match.pk, "worrying": check_in.worrying})
    return check_in
