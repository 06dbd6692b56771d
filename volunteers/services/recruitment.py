"""The recruitment pipeline: what each applicant has met, and the stage that follows from it.

`recompute(application)` is the only writer of RoleApplication.stage, stage_since,
approved_on and approved_until. Every service that records a check calls it for the
volunteer's applications, in the same transaction, so the stage can never disagree
with the records. A requirement counts while it is met and in date; approved_until is
the last day on which all of them still count, so matching (which reads it in the
database) stops offering a volunteer the day after the first check lapses, even
before the nightly job recomputes the stage.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.models import Role, User
from core.localtime import LONDON
from volunteers.models import (
    DEFAULT_REQUIREMENTS,
    Absence,
    CheckRecord,
    DbsCheck,
    Declaration,
    Reference,
    ReferenceStatus,
    Requirement,
    RequirementKind,
    RoleApplication,
    Stage,
    Volunteer,
)
from volunteers.models.recruitment import STAGE_OF_KIND, DefaultRequirement, add_months

# No expiry: a requirement that never lapses is good "until" this day.
FOREVER = dt.date.max

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
EXPIRED = "Expired"
NEEDS_REVIEW = "Needs review"


def now() -> dt.datetime:
    """The wall clock, from time.time() so tests move it with the `clock` fixture."""
    return dt.datetime.fromtimestamp(time.time(), tz=dt.UTC)


def today() -> dt.date:
    return now().astimezone(LONDON).date()


def requirements_for(
    role: str, *, configured: Sequence[Requirement] | None = None
) -> Sequence[Requirement | DefaultRequirement]:
    """The administrator's list for the role, or the council's defaults if it has none."""
    if configured is None:
        configured = list(Requirement.objects.filter(role=role))
    mine = [r for r in configured if r.role == role]
    return sorted(mine, key=lambda r: r.position) if mine else DEFAULT_REQUIREMENTS[role]


@dataclass(frozen=True)
class Task:
    """One requirement as it stands for one application: a row of the GOV.UK task list."""

    requirement: Requirement | DefaultRequirement
    status: str
    valid_until: dt.date | None  # last day it counts; None: not met
    hint: str = ""

    @property
    def met(self) -> bool:
        return self.status == COMPLETED

    @property
    def label(self) -> str:
        label = self.requirement.get_kind_display()
        if self.requirement.count > 1:
            label = f"{label} ({self.requirement.count})"
        return label

    @property
    def kind(self) -> str:
        return str(self.requirement.kind)


@dataclass
class Records:
    """A volunteer's records, loaded once for all their applications."""

    checks: list[CheckRecord]
    dbs: list[DbsCheck]
    references: list[Reference]
    # Every role's configured requirements, read once for all the volunteer's applications.
    requirements: list[Requirement] | None = None

    @classmethod
    def of(cls, volunteer: Volunteer) -> Records:
        return cls(
            checks=list(volunteer.check_records.all()),
            dbs=list(volunteer.dbs_checks.all()),
            references=list(volunteer.references.all()),
            requirements=list(Requirement.objects.all()),
        )

    @property
    def anything(self) -> bool:
        return bool(self.checks or self.dbs or self.references)


def _until(start: dt.date, months: int | None, explicit: dt.date | None = None) -> dt.date:
    until = FOREVER if months is None else add_months(start, months) - dt.timedelta(days=1)
    return min(until, explicit) if explicit else until


def dbs_valid_until(dbs: DbsCheck, months: int | None) -> dt.date | None:
    """The last day a certificate counts: a recheck after `months`, or a year after the last status check."""
    if not dbs.is_acceptable or dbs.issued_on is None:
        return None
    if dbs.update_service:
        last = max(dbs.issued_on, dbs.status_checked_on or dbs.issued_on)
        return _until(last, settings.KINFOLK_DBS_STATUS_CHECK_MONTHS)
    return _until(dbs.issued_on, months)


def _task(req: Requirement | DefaultRequirement, role: str, records: Records, on: dt.date) -> Task:
    if req.kind == RequirementKind.DBS:
        return _dbs_task(req, records, on)
    if req.kind == RequirementKind.REFERENCES:
        return _references_task(req, records)
    return _simple_task(req, role, records, on)


def _dbs_task(req: Requirement | DefaultRequirement, records: Records, on: dt.date) -> Task:
    best = max((dbs_valid_until(d, req.valid_for_months) or dt.date.min for d in records.dbs), default=None)
    if best and best >= on:
        return Task(req, COMPLETED, best)
    if best and best != dt.date.min:
        return Task(req, EXPIRED, None, f"Lapsed after {best:%-d %B %Y}")
    if any(d.needs_decision for d in records.dbs):
        return Task(req, NEEDS_REVIEW, None, "Information disclosed: a decision is needed")
    if any(d.issued_on is None for d in records.dbs):
        return Task(req, IN_PROGRESS, None, "Applied for")
    return Task(req, NOT_STARTED, None)


def _references_task(req: Requirement | DefaultRequirement, records: Records) -> Task:
    """References never lapse; only those a coordinator accepted count."""
    accepted = [r for r in records.references if r.status == ReferenceStatus.ACCEPTED]
    if len(accepted) >= req.count:
        return Task(req, COMPLETED, FOREVER)
    to_review = sum(r.status == ReferenceStatus.RECEIVED for r in records.references)
    waiting = sum(r.status == ReferenceStatus.REQUESTED for r in records.references)
    hint = f"{len(accepted)} of {req.count} accepted"
    if to_review:
        return Task(req, NEEDS_REVIEW, None, f"{hint}; {to_review} to review")
    if waiting or accepted:
        return Task(req, IN_PROGRESS, None, f"{hint}; {waiting} awaited")
    return Task(req, NOT_STARTED, None)


def _simple_task(req: Requirement | DefaultRequirement, role: str, records: Records, on: dt.date) -> Task:
    """A plain dated record; role training counts only for its role."""
    mine = [c for c in records.checks if c.kind == req.kind and (c.role in ("", role))]
    done = [_until(c.completed_on, req.valid_for_months, c.expires_on) for c in mine if c.completed_on is not None]
    best_done = max(done, default=None)
    if best_done is not None and best_done >= on:
        return Task(req, COMPLETED, best_done)
    if any(c.completed_on is None for c in mine):
        return Task(req, IN_PROGRESS, None)
    if best_done is not None:
        return Task(req, EXPIRED, None, f"Lapsed after {best_done:%-d %B %Y}")
    return Task(req, NOT_STARTED, None)


def assess(application: RoleApplication, *, records: Records | None = None, on: dt.date | None = None) -> list[Task]:
    """The role's requirements in pipeline order, each with where it stands on a day."""
    records = records or Records.of(application.volunteer)
    on = on or today()
    reqs = requirements_for(application.role, configured=records.requirements)
    return [_task(req, application.role, records, on) for req in reqs]


def stage_from(tasks: list[Task], *, anything_recorded: bool) -> tuple[str, dt.date | None]:
    """(stage, approved_until) from the task list, ignoring pause and leaving."""
    for task in tasks:
        if not task.met:
            if not anything_recorded:
                return Stage.ENQUIRY, None
            return STAGE_OF_KIND[RequirementKind(task.kind)], None
    until = min((t.valid_until for t in tasks if t.valid_until), default=FOREVER)
    return Stage.APPROVED, until


@transaction.atomic
def recompute(application: RoleApplication, *, records: Records | None = None, on: dt.date | None = None) -> bool:
    """Set the application's stage and approval dates from the records met. Returns True if newly approved."""
    volunteer = application.volunteer
    on = on or today()
    records = records or Records.of(volunteer)
    tasks = assess(application, records=records, on=on)
    stage, until = stage_from(tasks, anything_recorded=records.anything)
    if volunteer.left_on is not None or volunteer.anonymised_on is not None:
        stage, until = Stage.LEFT, None
    elif volunteer.paused_on is not None:
        stage, until = Stage.PAUSED, None
    was_approved = application.stage == Stage.APPROVED
    fields = {
        "stage": stage,
        "approved_until": until,
        "approved_on": (application.approved_on or on) if stage == Stage.APPROVED else None,
        "stage_since": application.stage_since if stage == application.stage else on,
    }
    changed = [name for name, value in fields.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, fields[name])
    if changed:
        application.save(update_fields=changed)
    return stage == Stage.APPROVED and not was_approved


def recompute_volunteer(volunteer: Volunteer, *, by: User | None = None, on: dt.date | None = None) -> list[str]:
    """Recompute every application of a volunteer; invite a newly approved volunteer to the portal."""
    records = Records.of(volunteer)
    approved = []
    for application in volunteer.applications.all():
        if recompute(application, records=records, on=on):
            approved.append(application.role)
    if approved and by is not None:
        invite_to_portal(volunteer=volunteer, by=by)
    return approved


def invite_to_portal(*, volunteer: Volunteer, by: User) -> None:
    """Invite an approved volunteer to the portal as a Volunteer; accepting links the account.

    Someone who already has an account with the Volunteer role is linked at once.
    """
    from accounts.services import invite_user

    if volunteer.user_id is not None:
        return
    existing = User.objects.filter(email__iexact=volunteer.email).first()
    if existing is not None:
        if Role.VOLUNTEER.value in existing.role_names and not Volunteer.objects.filter(user=existing).exists():
            volunteer.user = existing
            volunteer.save(update_fields=["user", "updated_at"])
        return
    if volunteer.invitation is not None and volunteer.invitation.is_usable:
        return
    invitation, _token = invite_user(
        invited_by=by, email=volunteer.email, full_name=volunteer.full_name, roles=[Role.VOLUNTEER]
    )
    volunteer.invitation = invitation
    volunteer.save(update_fields=["invitation", "updated_at"])


# -- the pipeline's records ---------------------------------------------------------------


M = TypeVar("M", bound=models.Model)


def _saved(obj: M) -> M:
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def add_enquiry(*, by: User, roles: Iterable[str], **profile: Any) -> Volunteer:
    """A new enquiry: the volunteer's profile and an application for each role they are interested in."""
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    volunteer = _saved(Volunteer(coordinator=profile.pop("coordinator", by), enquired_on=today(), **profile))
    set_roles(volunteer=volunteer, roles=roles)
    return volunteer


@transaction.atomic
def set_roles(*, volunteer: Volunteer, roles: Iterable[str]) -> None:
    """Apply for the roles ticked; an application for a role no longer wanted is withdrawn (deleted)."""
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    volunteer.applications.exclude(role__in=roles).delete()
    have = set(volunteer.applications.values_list("role", flat=True))
    for role in sorted(roles - have):
        application = RoleApplication(volunteer=volunteer, role=role, stage_since=today())
        application.save()
        recompute(application)


@transaction.atomic
def update_profile(*, volunteer: Volunteer, roles: Iterable[str] | None = None, **fields: Any) -> Volunteer:
    for name, value in fields.items():
        setattr(volunteer, name, value)
    _saved(volunteer)
    if roles is not None:
        set_roles(volunteer=volunteer, roles=roles)
    return volunteer


@transaction.atomic
def record_check(
    *,
    volunteer: Volunteer,
    kind: str,
    by: User,
    started_on: dt.date,
    completed_on: dt.date | None = None,
    role: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
) -> CheckRecord:
    """Record an application form, interview or training; completing one still open completes it."""
    if kind == RequirementKind.ROLE_TRAINING and not role:
        raise ValidationError({"role": "Choose the role the training is for."})
    record = volunteer.check_records.filter(kind=kind, role=role, completed_on__isnull=True).first() or CheckRecord(
        volunteer=volunteer, kind=kind, role=role, recorded_by=by
    )
    record.started_on = min(record.started_on or started_on, started_on)
    record.completed_on = completed_on
    record.expires_on = expires_on
    record.note = note
    record.recorded_by = by
    _saved(record)
    recompute_volunteer(volunteer, by=by)
    return record


@transaction.atomic
def record_dbs(*, volunteer: Volunteer, by: User, dbs: DbsCheck | None = None, **fields: Any) -> DbsCheck:
    """Record a DBS application or certificate. Information disclosed waits for a coordinator's decision."""
    dbs = dbs or DbsCheck(volunteer=volunteer, recorded_by=by)
    for name, value in fields.items():
        setattr(dbs, name, value)
    if dbs.content_purged_on is not None and dbs.content_notes:
        raise ValidationError({"content_notes": "This certificate's content has been deleted and is not kept again."})
    _saved(dbs)
    recompute_volunteer(volunteer, by=by)
    return dbs


@transaction.atomic
def decide_dbs(*, dbs: DbsCheck, by: User, decision: str, note: str = "") -> DbsCheck:
    """A coordinator's decision on a certificate that disclosed information."""
    if dbs.outcome != "disclosed":
        raise ValidationError("Only a certificate that disclosed information needs a decision.")
    dbs.decision, dbs.decided_by, dbs.decided_on = decision, by, today()
    dbs.decision_note = note if dbs.content_purged_on is None else ""
    _saved(dbs)
    recompute_volunteer(dbs.volunteer, by=by)
    return dbs


@transaction.atomic
def record_status_check(*, dbs: DbsCheck, by: User, checked_on: dt.date) -> DbsCheck:
    """An Update Service status check showing no new information (new information: record a new certificate)."""
    if not dbs.update_service:
        raise ValidationError("This certificate is not on the Update Service.")
    if dbs.issued_on is None or checked_on < dbs.issued_on:
        raise ValidationError({"status_checked_on": "The status check must be on or after the issue date."})
    dbs.status_checked_on = checked_on
    _saved(dbs)
    recompute_volunteer(dbs.volunteer, by=by)
    return dbs


# -- pause, resume, leave ---------------------------------------------------------------------


@transaction.atomic
def pause(*, volunteer: Volunteer, reason: str, by: User) -> None:
    volunteer.paused_on, volunteer.pause_reason = today(), reason.strip()
    _saved(volunteer)
    recompute_volunteer(volunteer)


@transaction.atomic
def resume(*, volunteer: Volunteer, by: User) -> None:
    volunteer.paused_on, volunteer.pause_reason = None, ""
    _saved(volunteer)
    recompute_volunteer(volunteer, by=by)


@transaction.atomic
def leave(*, volunteer: Volunteer, reason: str, by: User) -> None:
    """The volunteer leaves every role; their portal account stops opening their record (volunteer_of)."""
    volunteer.left_on, volunteer.left_reason = today(), reason.strip()
    _saved(volunteer)
    recompute_volunteer(volunteer)


# -- profile extras ---------------------------------------------------------------------------


@transaction.atomic
def add_absence(*, volunteer: Volunteer, starts_on: dt.date, ends_on: dt.date, note: str = "") -> Absence:
    return _saved(Absence(volunteer=volunteer, starts_on=starts_on, ends_on=ends_on, note=note))


@transaction.atomic
def add_declaration(
    *, volunteer: Volunteer, description: str, declared_on: dt.date, case_reference: str = ""
) -> Declaration:
    """A declared conflict of interest, tied (by case reference) to the family or care leaver it concerns,
    so matching can keep the volunteer away from them. The reference is all the coordinator gives: they
    need not see the family's record."""
    from families.models import CareLeaver, Family

    declaration = Declaration(volunteer=volunteer, description=description, declared_on=declared_on)
    reference = case_reference.strip()
    if reference:
        declaration.family = Family.objects.filter(case_reference__iexact=reference).first()
        declaration.care_leaver = (
            None if declaration.family else CareLeaver.objects.filter(reference__iexact=reference).first()
        )
        if declaration.family is None and declaration.care_leaver is None:
            raise ValidationError({"case_reference": "No family or care leaver has that case reference."})
    return _saved(declaration)


def coordinator_emails(volunteer: Volunteer) -> list[str]:
    """The volunteer's coordinator, or every active coordinator if they have none."""
    if volunteer.coordinator is not None and volunteer.coordinator.is_active:
        return [volunteer.coordinator.email]
    coordinators = User.objects.filter(is_active=True, groups__name=Role.VOLUNTEER_COORDINATOR.value)
    return sorted(set(coordinators.values_list("email", flat=True)))
