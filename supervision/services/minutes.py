"""Real-time minutes, actions, approval, the PDF and circulation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.localtime import local_datetime
from core.models import AuditAction
from diary.reminders import compute_due, schedule_reminder, withdraw_reminders
from diary.workdays import working_hours_between
from outbox.services import enqueue_email
from supervision.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AttendanceStatus,
    MinutesEntry,
    MinutesSection,
    MinutesStatus,
    MinutesVersion,
    SupervisionSession,
)
from supervision.services.common import absolute, can_be_invited, lock_session, session_email_context
from supervision.services.snapshot import build_snapshot

MAX_ENTRY_CHARS = 20000


def writable(session: SupervisionSession) -> None:
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.minutes_status == MinutesStatus.SUBMITTED:
        raise ValidationError("These minutes are with the chair for approval. Ask the chair to return them to edit.")
    if session.minutes_status == MinutesStatus.APPROVED:
        raise ValidationError("These minutes are approved and locked. Start a correction to change them.")


@dataclass(frozen=True)
class EntrySave:
    entry: MinutesEntry
    saved: bool
    conflict: bool = False


def save_entry(*, item: AgendaItem, section: str, text: str, base_version: int, by: User) -> EntrySave:
    """Save one section of one family's minutes, unless someone else saved it since `base_version`.

    `base_version` is the version the editor started from (0 when the section
    was empty). A newer stored version means another person saved in between:
    nothing is written and the caller shows both texts. The check and the write
    happen under a row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite takes its
    write lock at BEGIN), so two saves cannot both pass the check.
    """
    if section not in MinutesSection.values:
        raise ValidationError({"section": "Unknown section."})
    if len(text) > MAX_ENTRY_CHARS:
        raise ValidationError({"text": f"A section can be at most {MAX_ENTRY_CHARS:,} characters."})
    with transaction.atomic():
        session = SupervisionSession.objects.select_for_update().get(pk=item.session_id)
        writable(session)
        entry = MinutesEntry.objects.select_for_update().filter(item=item, section=section).first()
        if entry is None:
            if base_version != 0:
                raise ValidationError("This section has gone. Reload the page.")
            try:
                with transaction.atomic():
                    entry = MinutesEntry.objects.create(
                        item=item, section=section, text=text, version=1, updated_by=by, updated_at=timezone.now()
                    )
            except IntegrityError:
                # Someone created it a moment ago: theirs is the stored text.
                entry = MinutesEntry.objects.get(item=item, section=section)
                return EntrySave(entry=entry, saved=False, conflict=entry.text != text)
            return EntrySave(entry=entry, saved=True)
        if entry.version != base_version:
            if entry.text == text:
                return EntrySave(entry=entry, saved=False)
            return EntrySave(entry=entry, saved=False, conflict=True)
        if entry.text == text:
            return EntrySave(entry=entry, saved=False)
        entry.text = text
        entry.version += 1
        entry.updated_by = by
        entry.updated_at = timezone.now()
        entry.save(update_fields=["text", "version", "updated_by", "updated_at"])
    return EntrySave(entry=entry, saved=True)


def _action_reminder_keys(action: Action) -> tuple[str, str]:
    return f"gcs:action:{action.pk}:due", f"gcs:action:{action.pk}:overdue"


def schedule_action_reminders(action: Action) -> None:
    """Remind the owner N working days before the due date, and on the first working day after it."""
    due_key, overdue_key = _action_reminder_keys(action)
    due_morning = local_datetime(action.due_on, dt.time(9, 0))
    context = {
        "group_name": action.group.name,
        "case_reference": action.family.case_reference,
        "due_on": f"{action.due_on:%A %-d %B %Y}",
        # Owners may be outside the group (anyone the coordinator could invite): their own list works for all.
        "link": absolute("supervision:my_actions"),
    }
    schedule_reminder(
        key=due_key,
        due_at=compute_due(anchor_at=due_morning, offset_working_days=-action.group.action_reminder_working_days),
        template="gcs_action_due",
        late_policy="skip",
        recipient_email=action.owner.email,
        user=action.owner,
        context=context,
    )
    schedule_reminder(
        key=overdue_key,
        due_at=compute_due(anchor_at=due_morning, offset_working_days=1),
        template="gcs_action_overdue",
        recipient_email=action.owner.email,
        user=action.owner,
        context=context,
    )


@transaction.atomic
def add_action(*, item: AgendaItem, description: str, owner: User, due_on: dt.date, by: User) -> Action:
    session = lock_session(item.session_id)
    writable(session)
    _check_action(session=session, owner=owner, due_on=due_on)
    action = Action(
        group=session.group,
        family=item.family,
        item=item,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    action.full_clean()
    action.save()
    schedule_action_reminders(action)
    audit.record(action=AuditAction.CREATE, obj=action, detail={"owner": owner.pk, "due_on": due_on.isoformat()})
    return action


def _check_action(*, session: SupervisionSession, owner: User, due_on: dt.date) -> None:
    # Anyone the coordinator could invite, not only members: actions often fall to a colleague outside the group.
    if not can_be_invited(owner):
        raise ValidationError({"owner": "Choose an owner who can be invited to the group's sessions."})
    if due_on < timezone.localtime(session.start).date():
        raise ValidationError({"due_on": "The due date must be on or after the session."})


@transaction.atomic
def update_action(*, action: Action, description: str, owner: User, due_on: dt.date, by: User) -> Action:
    """Change what an action asks, of whom, by when; while the session's minutes can still be written.

    The reminders follow: the previous owner's are withdrawn, the new ones scheduled.
    """
    session = lock_session(action.item.session_id)
    writable(session)
    _check_action(session=session, owner=owner, due_on=due_on)
    changed = sorted(
        name
        for name, before, after in (
            ("description", action.description, description.strip()),
            ("owner", action.owner_id, owner.pk),
            ("due_on", action.due_on, due_on),
        )
        if before != after
    )
    if not changed:
        return action
    action.description, action.owner, action.due_on = description.strip(), owner, due_on
    action.full_clean()
    action.save(update_fields=["description", "owner", "due_on"])
    withdraw_reminders(key_prefix=f"gcs:action:{action.pk}:")
    if action.status == ActionStatus.OPEN:
        schedule_action_reminders(action)
    # Field names and ids only: the description is free text.
    audit.record(
        action=AuditAction.UPDATE,
        obj=action,
        detail={"fields": changed, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def delete_action(*, action: Action, by: User) -> None:
    """Delete an action added by mistake, while the session's minutes can still be written."""
    session = lock_session(action.item.session_id)
    writable(session)
    withdraw_reminders(key_prefix=f"gcs:action:{action.pk}:")
    audit.record(action=AuditAction.DELETE, obj=action, detail={"family": action.family_id, "owner": action.owner_id})
    action.delete()


@transaction.atomic
def set_action_done(*, action: Action, done: bool, by: User) -> Action:
    if done and action.status == ActionStatus.OPEN:
        action.status, action.completed_at, action.completed_by = ActionStatus.DONE, timezone.now(), by
        for key in _action_reminder_keys(action):
            withdraw_reminders(key_prefix=key)
    elif not done and action.status == ActionStatus.DONE:
        action.status, action.completed_at, action.completed_by = ActionStatus.OPEN, None, None
        schedule_action_reminders(action)
    else:
        return action
    action.full_clean()
    action.save(update_fields=["status", "completed_at", "completed_by"])
    audit.record(action=AuditAction.UPDATE, obj=action, detail={"status": action.status})
    return action


def _chairs(session: SupervisionSession) -> list[User]:
    return [m.user for m in session.group.members.filter(discipline="chair").select_related("user")]


@transaction.atomic
def submit_minutes(*, session: SupervisionSession, by: User) -> SupervisionSession:
    """The minute-taker sends the minutes to the chair."""
    session = (
        SupervisionSession.objects.select_for_update(of=("self",))
        .select_related("group__team", "meeting")
        .get(pk=session.pk)
    )
    if session.minutes_status not in {MinutesStatus.DRAFT, MinutesStatus.RETURNED}:
        raise ValidationError("These minutes have already been submitted.")
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.start > timezone.now():
        raise ValidationError("Minutes can be submitted once the session has started.")
    if not session.items.exists():
        raise ValidationError("There are no families on the agenda to minute.")
    if not session.attendance.filter(status=AttendanceStatus.PRESENT).exists():
        raise ValidationError("Record who attended before submitting the minutes.")
    if not _chairs(session):
        raise ValidationError("The group has no chair to approve the minutes. Add a member as chair first.")
    session.minutes_status = MinutesStatus.SUBMITTED
    session.minutes_submitted_at = timezone.now()
    session.minutes_submitted_by = by
    session.save(update_fields=["minutes_status", "minutes_submitted_at", "minutes_submitted_by"])
    if session.meeting is not None:
        withdraw_reminders(key_prefix=f"meeting:{session.meeting.uid}:gcs-minutes-overdue")
    context = {**session_email_context(session), "link": absolute("supervision:minutes", pk=session.pk)}
    for chair in _chairs(session):
        enqueue_email(
            to=[chair.email],
            template="gcs_minutes_submitted",
            context={**context, "name": chair.get_short_name()},
            idempotency_key=f"gcs:session:{session.pk}:submitted:{session.minutes_submitted_at.timestamp():.0f}:{chair.pk}",
        )
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"minutes": "submitted"})
    return session


@transaction.atomic
def return_minutes(*, session: SupervisionSession, comments: str, by: User) -> SupervisionSession:
    """The chair sends the minutes back with what to change."""
    session = (
        SupervisionSession.objects.select_for_update(of=("self",)).select_related("group__team").get(pk=session.pk)
    )
    if session.minutes_status != MinutesStatus.SUBMITTED:
        raise ValidationError("Only submitted minutes can be returned.")
    if not comments.strip():
        raise ValidationError({"comments": "Enter what needs to change."})
    session.minutes_status = MinutesStatus.RETURNED
    session.return_comments = comments.strip()
    session.save(update_fields=["minutes_status", "return_comments"])
    recipient = session.minutes_submitted_by or session.group.minute_taker or session.group.coordinator
    enqueue_email(
        to=[recipient.email],
        template="gcs_minutes_returned",
        context={**session_email_context(session), "link": absolute("supervision:minutes", pk=session.pk)},
        idempotency_key=f"gcs:session:{session.pk}:returned:{timezone.now().timestamp():.0f}",
    )
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"minutes": "returned"})
    return session


@transaction.atomic
def approve_minutes(*, session: SupervisionSession, by: User) -> MinutesVersion:
    """The chair approves: the minutes are locked as a new version, rendered and circulated by a task."""
    session = (
        SupervisionSession.objects.select_for_update(of=("self",)).select_related("group__team").get(pk=session.pk)
    )
    if session.minutes_status != MinutesStatus.SUBMITTED:
        raise ValidationError("Only submitted minutes can be approved.")
    number = (session.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = MinutesVersion(
        session=session,
        number=number,
        reason=session.correction_reason,
        approved_by=by,
        approved_at=timezone.now(),
        snapshot=build_snapshot(session),
    )
    version.full_clean(exclude=["pdf"])
    version.save()
    session.minutes_status = MinutesStatus.APPROVED
    session.correction_reason = ""
    session.return_comments = ""
    session.save(update_fields=["minutes_status", "correction_reason", "return_comments"])
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"minutes": "approved", "version": number})
    transaction.on_commit(lambda: enqueue_render(version.pk))
    return version


def enqueue_render(version_id: int) -> None:
    from django_q.tasks import async_task

    async_task("supervision.tasks.render_and_circulate_minutes", version_id, task_name=f"gcs-minutes-{version_id}")


@transaction.atomic
def start_correction(*, session: SupervisionSession, reason: str, by: User) -> SupervisionSession:
    """Reopen approved minutes for a correction; the approved versions stay as they were."""
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if session.minutes_status != MinutesStatus.APPROVED:
        raise ValidationError("Only approved minutes can be corrected.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the minutes need correcting."})
    session.minutes_status = MinutesStatus.DRAFT
    session.correction_reason = reason.strip()
    session.save(update_fields=["minutes_status", "correction_reason"])
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"minutes": "correction", "reason_given": True})
    return session


@transaction.atomic
def circulate_minutes(*, version: MinutesVersion) -> int:
    """Email attendees and apologies a link to the minutes (never the minutes themselves).

    Records the session's turnaround (session end to first circulation, in
    working hours). Safe to run twice: each email has its own key.
    """
    version = (
        MinutesVersion.objects.select_for_update(of=("self",)).select_related("session__group__team").get(pk=version.pk)
    )
    session = version.session
    now = timezone.now()
    recipients = list(
        session.attendance.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES])
        .select_related("user")
        .order_by("user__full_name")
    )
    context = {
        **session_email_context(session),
        "link": absolute("supervision:minutes", pk=session.pk),
        "version": version.number,
        # Whether, not what: the reason is free text and stays in Kinfolk.
        "correction": bool(version.reason),
    }
    for row in recipients:
        enqueue_email(
            to=[row.user.email],
            template="gcs_minutes_circulated",
            context={**context, "name": row.user.get_short_name()},
            idempotency_key=f"gcs:minutes:{version.pk}:circulated:{row.user.email.lower()}",
        )
    if version.circulated_at is None:
        version.circulated_at = now
        version.save(update_fields=["circulated_at"])
    if session.first_circulated_at is None:
        session.first_circulated_at = now
        hours = max(working_hours_between(session.end, now), 0.0)
        session.turnaround_working_hours = Decimal(f"{hours:.2f}")
        session.save(update_fields=["first_circulated_at", "turnaround_working_hours"])
    audit.record(
        action=AuditAction.UPDATE, obj=session, detail={"minutes_circulated": version.number, "to": len(recipients)}
    )
    return len(recipients)
