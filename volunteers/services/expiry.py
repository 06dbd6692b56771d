"""Nightly jobs for checks that expire: reminders, lapses, and purging DBS certificate content.

Reminders go to the coordinator and the volunteer 60, 30 and 7 days before a
requirement stops counting, each once (its idempotency key names the requirement,
its expiry date, the threshold and the recipient). A job that missed days sends only
the nearest reminder, not every one it missed. When a check lapses the application's
approved_until is already in the past, so matching stops offering the volunteer at
once; the job recomputes the stage and emails the coordinator the references of the
volunteer's live matches (never a family's name).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from core import audit
from core.models import AuditAction
from outbox.services import enqueue_email
from volunteers.models import DbsCheck, Match, RoleApplication, Stage, Volunteer
from volunteers.models.recruitment import add_months
from volunteers.services.recruitment import FOREVER, Records, assess, coordinator_emails, recompute, today

REMINDER_DAYS = (7, 30, 60)


def _notice(*, to: str, subject: str, body: str, key: str) -> None:
    enqueue_email(
        to=[to],
        template="notice",
        context={"subject": subject, "body": body, "marking": settings.PROTECTIVE_MARKING},
        idempotency_key=key,
    )


def _link(volunteer: Volunteer) -> str:
    return settings.SITE_URL + reverse("volunteers:volunteer_detail", kwargs={"pk": volunteer.pk})


def send_expiry_reminders(*, on: dt.date | None = None) -> int:
    """Remind coordinator and volunteer of each requirement about to stop counting. Safe to run twice."""
    on = on or today()
    sent = 0
    horizon = on + dt.timedelta(days=max(REMINDER_DAYS))
    volunteers = (
        Volunteer.objects.current()
        .filter(applications__stage=Stage.APPROVED, applications__approved_until__lte=horizon)
        .distinct()
        .select_related("coordinator")
        .prefetch_related("applications", "check_records", "dbs_checks", "references")
    )
    for volunteer in volunteers:
        records = Records.of(volunteer)
        reminded: set[tuple[str, dt.date]] = set()
        for application in volunteer.applications.all():
            if application.stage != Stage.APPROVED:
                continue
            for task in assess(application, records=records, on=on):
                until = task.valid_until
                if until is None or until == FOREVER or (task.kind, until) in reminded:
                    continue
                left = (until - on).days
                threshold = next((d for d in REMINDER_DAYS if 0 <= left <= d), None)
                if threshold is None:
                    continue
                reminded.add((task.kind, until))
                sent += _remind(volunteer, task.kind, task.label, until, threshold)
    return sent


def _remind(volunteer: Volunteer, kind: str, label: str, until: dt.date, threshold: int) -> int:
    key = f"vol-expiry:{volunteer.pk}:{kind}:{until.isoformat()}:{threshold}"
    subject = f"{label} ends on {until:%-d %B %Y}"
    with transaction.atomic():
        count = 0
        for address in coordinator_emails(volunteer):
            _notice(
                to=address,
                subject=f"{volunteer.full_name}: {subject}",
                body=(
                    f"{volunteer.full_name}'s {label.lower()} counts until {until:%-d %B %Y}. "
                    f"Renew it before then or they cannot be matched: {_link(volunteer)}"
                ),
                key=f"{key}:{address}",
            )
            count += 1
        _notice(
            to=volunteer.email,
            subject=f"Your {subject[0].lower()}{subject[1:]}",
            body=(
                f"Hello {volunteer.first_name}, your {label.lower()} for volunteering counts until "
                f"{until:%-d %B %Y}. Your coordinator will be in touch to renew it."
            ),
            key=f"{key}:volunteer",
        )
        return count + 1


def handle_lapses(*, on: dt.date | None = None) -> int:
    """Recompute approved applications whose approval ran out; tell the coordinator which live matches it affects."""
    on = on or today()
    lapsed = RoleApplication.objects.filter(stage=Stage.APPROVED, approved_until__lt=on).select_related(
        "volunteer__coordinator"
    )  # a handful a night
    count = 0
    for application in lapsed:
        with transaction.atomic():
            locked = RoleApplication.objects.select_for_update().get(pk=application.pk)
            if locked.stage != Stage.APPROVED:
                continue  # another run got here first
            until = locked.approved_until
            locked.volunteer = application.volunteer
            recompute(locked, on=on)
            count += 1
            _tell_of_affected_matches(application.volunteer, application.get_role_display(), until)
    return count


def _tell_of_affected_matches(volunteer: Volunteer, role: str, until: dt.date | None) -> None:
    matches = list(Match.objects.live().filter(volunteer=volunteer).select_related("request").order_by("pk"))
    refs = ", ".join(m.request.reference for m in matches) or "none"
    for address in coordinator_emails(volunteer):
        _notice(
            to=address,
            subject=f"{volunteer.full_name} is no longer approved as a {role}",
            body=(
                f"A check of {volunteer.full_name}'s lapsed after {until:%-d %B %Y}, so they cannot be offered new "
                f"matches as a {role}. Live matches affected: {refs}. {_link(volunteer)}"
            ),
            key=f"vol-lapsed:{volunteer.pk}:{role}:{until}:{address}",
        )


def purge_dbs_content(*, on: dt.date | None = None) -> int:
    """Delete DBS certificate content six months after issue (DBS code of practice). Safe to run twice."""
    on = on or today()
    cutoff = add_months(on, -settings.KINFOLK_DBS_CONTENT_KEEP_MONTHS)
    due = DbsCheck.objects.filter(content_purged_on__isnull=True, issued_on__lte=cutoff)
    purged = 0
    for dbs in due:
        with transaction.atomic():
            if DbsCheck.objects.filter(pk=dbs.pk, content_purged_on__isnull=True).update(
                content_notes="", decision_note="", content_purged_on=on
            ):
                purged += 1
                audit.record(action=AuditAction.UPDATE, obj=dbs, detail={"content_purged": True})
    return purged
