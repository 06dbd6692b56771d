"""Referrals in every early stage: received (one urgent), waiting, allocated, preparing, paused, declined."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.localtime import local_datetime
from diary.workdays import add_working_days
from families.models import Family
from fgc.models import Referral, ReferralReason, Urgency
from fgc.services import referrals as services


def _refer(
    family: Family,
    by: User,
    reason: str,
    days_to_key_date: int | None,
    *,
    urgency: str = Urgency.ROUTINE,
    interpreter_language: str = "",
    reason_detail: str = "",
) -> Referral:
    today = timezone.localdate()
    return services.refer(
        family=family,
        by=by,
        children=list(family.children.all()),
        reason=reason,
        consent_given_by="Mother",
        consent_given_on=today - dt.timedelta(days=2),
        bottom_lines="The children must not be left in the care of anyone using substances.",
        questions_for_family="Who can look after the children when mum is in hospital?",
        key_date=today + dt.timedelta(days=days_to_key_date) if days_to_key_date is not None else None,
        key_date_kind="icpc" if days_to_key_date is not None else "",
        urgency=urgency,
        interpreter_language=interpreter_language,
        reason_detail=reason_detail,
    )


@transaction.atomic
def build() -> list[str]:
    """Nothing to print: the demo logins say who triages (fgc.manager@kinfolk.test)."""
    if Referral.objects.exists():
        return []
    users = {u.email: u for u in User.objects.filter(email__endswith="@kinfolk.test")}
    manager, nia = users["fgc.manager@kinfolk.test"], users["fgc@kinfolk.test"]
    families = list(Family.objects.filter(case_reference__startswith="FS-2026-01").order_by("case_reference"))
    if len(families) < 6:
        return []
    priya = users["practitioner@kinfolk.test"]
    # Each family is referred by its own practitioner (or, if it has none, the first practitioner).
    by = {f.pk: (f.allocated_practitioner or priya) for f in families}

    _refer(families[0], by[families[0].pk], ReferralReason.ICPC, 8, urgency=Urgency.URGENT)
    waiting = _refer(families[1], by[families[1].pk], ReferralReason.PLO, 35)
    services.accept(referral=waiting, by=manager)
    allocated = _refer(families[2], by[families[2].pk], ReferralReason.CARE_ORDER, 25, interpreter_language="Polish")
    services.allocate(referral=allocated, coordinator=nia, by=manager)
    preparing = _refer(families[3], by[families[3].pk], ReferralReason.EARLY_HELP, None)
    preparing = services.allocate(referral=preparing, coordinator=nia, by=manager)
    services.record_referrer_contact(referral=preparing, by=nia)
    day = add_working_days(timezone.localdate(), 3)
    services.arrange_baseline_meeting(
        referral=preparing,
        by=nia,
        start=local_datetime(day, dt.time(10, 0)),
        end=local_datetime(day, dt.time(11, 0)),
        location="Civic Centre, Room 4",
    )
    paused = _refer(
        families[4],
        by[families[4].pk],
        ReferralReason.REUNIFICATION,
        50,
    )
    services.withdraw_consent(referral=paused, by=paused.referred_by)
    declined = _refer(families[5], by[families[5].pk], ReferralReason.OTHER, None, reason_detail="Advice only.")
    services.decline(referral=declined, by=manager, reason="A network meeting led by the social worker fits better.")
    return []
