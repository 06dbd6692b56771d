"""The recruitment pipeline: the stage follows from the requirements met, never set by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.models import Invitation, Role
from accounts.services import accept_invitation
from outbox.models import OutboxMessage
from tests.volunteers.factories import approve_for_role, make_volunteer
from volunteers.models import (
    CheckRecord,
    DbsCheck,
    DbsDecision,
    DbsLevel,
    DbsOutcome,
    Reference,
    ReferenceStatus,
    Requirement,
    RequirementKind,
    RoleApplication,
    Stage,
    VolunteerRole,
)
from volunteers.models.recruitment import DEFAULT_REQUIREMENTS, add_months
from volunteers.services import recruitment, references
from volunteers.services.recruitment import Records, assess, stage_from

pytestmark = pytest.mark.django_db
ROLE = VolunteerRole.CHILD_AND_FAMILY


def _applicant(vic):
    volunteer = make_volunteer(coordinator=vic)
    recruitment.set_roles(volunteer=volunteer, roles=[ROLE])
    return volunteer


def _stage(volunteer) -> str:
    return RoleApplication.objects.get(volunteer=volunteer, role=ROLE).stage


def _dbs(volunteer, vic, **extra):
    fields: dict[str, Any] = {
        "applied_on": recruitment.today(),
        "certificate_number": "001122334455",
        "issued_on": recruitment.today(),
        "level": DbsLevel.ENHANCED_CHILDREN,
        "barred_list_checked": True,
        "outcome": DbsOutcome.CLEAR,
    }
    fields.update(extra)
    return recruitment.record_dbs(volunteer=volunteer, by=vic, **fields)


def _accepted_reference(volunteer, vic) -> Reference:
    ref = references.request_reference(
        volunteer=volunteer, by=vic, referee_name="R", referee_email="r@example.org", relationship="Employer"
    )
    references.give_reference(
        token=references.token_for(ref), known_for="3 years", suitable="yes", concerns="", statement="Good."
    )
    ref.refresh_from_db()
    return references.review_reference(reference=ref, by=vic, accept=True)


def test_an_applicant_moves_through_every_stage_as_their_checks_are_recorded(vic) -> None:
    volunteer = _applicant(vic)
    today = recruitment.today()
    assert _stage(volunteer) == Stage.ENQUIRY
    recruitment.record_check(volunteer=volunteer, kind=RequirementKind.APPLICATION_FORM, by=vic, started_on=today)
    assert _stage(volunteer) == Stage.APPLICATION
    recruitment.record_check(
        volunteer=volunteer, kind=RequirementKind.APPLICATION_FORM, by=vic, started_on=today, completed_on=today
    )
    assert _stage(volunteer) == Stage.INTERVIEW
    recruitment.record_check(
        volunteer=volunteer, kind=RequirementKind.INTERVIEW, by=vic, started_on=today, completed_on=today
    )
    assert _stage(volunteer) == Stage.REFERENCES
    _accepted_reference(volunteer, vic)
    assert _stage(volunteer) == Stage.REFERENCES  # one of two
    _accepted_reference(volunteer, vic)
    assert _stage(volunteer) == Stage.DBS
    _dbs(volunteer, vic)
    assert _stage(volunteer) == Stage.TRAINING
    recruitment.record_check(
        volunteer=volunteer, kind=RequirementKind.SAFEGUARDING_TRAINING, by=vic, started_on=today, completed_on=today
    )
    assert _stage(volunteer) == Stage.TRAINING
    recruitment.record_check(
        volunteer=volunteer,
        kind=RequirementKind.ROLE_TRAINING,
        role=ROLE,
        by=vic,
        started_on=today,
        completed_on=today,
    )
    application = RoleApplication.objects.get(volunteer=volunteer)
    assert application.stage == Stage.APPROVED
    assert application.approved_on == today
    # The DBS recheck (36 months) and safeguarding training (36 months) lapse first.
    assert application.approved_until == add_months(today, 36) - dt.timedelta(days=1)


def test_role_training_for_another_role_does_not_count(vic) -> None:
    volunteer = make_volunteer()
    approve_for_role(volunteer, VolunteerRole.FGC, coordinator=vic)
    recruitment.set_roles(volunteer=volunteer, roles=[VolunteerRole.FGC, ROLE])
    tasks = {t.kind: t for t in assess(RoleApplication.objects.get(volunteer=volunteer, role=ROLE))}
    assert not tasks[RequirementKind.ROLE_TRAINING].met
    assert tasks[RequirementKind.DBS].met  # a DBS counts for every role
    assert _stage(volunteer) == Stage.TRAINING


def test_a_received_reference_does_not_count_until_a_coordinator_accepts_it(vic) -> None:
    volunteer = _applicant(vic)
    for _ in range(2):
        ref = references.request_reference(
            volunteer=volunteer, by=vic, referee_name="R", referee_email="r@example.org", relationship="Friend"
        )
        references.give_reference(
            token=references.token_for(ref), known_for="1 year", suitable="yes", concerns="", statement="Fine."
        )
    task = {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.REFERENCES]
    assert task.status == recruitment.NEEDS_REVIEW
    assert not task.met
    first, second = Reference.objects.filter(volunteer=volunteer)
    references.review_reference(reference=first, by=vic, accept=True)
    references.review_reference(reference=second, by=vic, accept=False, note="Vague.")
    task = {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.REFERENCES]
    assert not task.met
    assert second.status == ReferenceStatus.REJECTED


def test_a_dbs_that_disclosed_information_counts_only_once_a_coordinator_accepts_it(vic) -> None:
    volunteer = _applicant(vic)
    dbs = _dbs(volunteer, vic, outcome=DbsOutcome.DISCLOSED, content_notes="Caution, 2004.")
    assert dbs.needs_decision
    task = {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS]
    assert task.status == recruitment.NEEDS_REVIEW
    recruitment.decide_dbs(dbs=dbs, by=vic, decision=DbsDecision.REFUSED, note="Recent.")
    assert not {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS].met
    recruitment.decide_dbs(dbs=dbs, by=vic, decision=DbsDecision.ACCEPTED, note="Old and minor.")
    assert {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS].met


def test_a_dbs_without_the_childrens_barred_list_does_not_count(vic) -> None:
    volunteer = _applicant(vic)
    _dbs(volunteer, vic, barred_list_checked=False)
    _dbs(volunteer, vic, level=DbsLevel.ENHANCED)
    assert not {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS].met


def test_an_update_service_dbs_counts_for_a_year_after_its_last_status_check(vic) -> None:
    volunteer = _applicant(vic)
    issued = recruitment.today() - dt.timedelta(days=500)
    dbs = _dbs(volunteer, vic, issued_on=issued, applied_on=issued, update_service=True)
    task = {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS]
    assert task.status == recruitment.EXPIRED
    checked = recruitment.today() - dt.timedelta(days=10)
    recruitment.record_status_check(dbs=dbs, by=vic, checked_on=checked)
    task = {t.kind: t for t in assess(volunteer.applications.get())}[RequirementKind.DBS]
    assert task.valid_until == add_months(checked, 12) - dt.timedelta(days=1)


def test_approval_lapses_the_day_after_the_first_check_expires(vic) -> None:
    volunteer = make_volunteer()
    application = approve_for_role(volunteer, ROLE, coordinator=vic)
    until = application.approved_until
    assert recruitment.recompute(application, on=until) is False
    application.refresh_from_db()
    assert application.stage == Stage.APPROVED
    recruitment.recompute(application, on=until + dt.timedelta(days=1))
    application.refresh_from_db()
    assert application.stage in (Stage.DBS, Stage.TRAINING)
    assert application.approved_until is None
    assert application.approved_on is None
    assert application.stage_since == until + dt.timedelta(days=1)


def test_pausing_and_leaving_come_from_the_volunteer_and_resuming_restores_the_computed_stage(vic) -> None:
    volunteer = make_volunteer()
    approve_for_role(volunteer, ROLE, coordinator=vic)
    recruitment.pause(volunteer=volunteer, reason="Surgery", by=vic)
    application = volunteer.applications.get()
    assert (application.stage, application.approved_until) == (Stage.PAUSED, None)
    recruitment.resume(volunteer=volunteer, by=vic)
    assert volunteer.applications.get().stage == Stage.APPROVED
    with pytest.raises(ValidationError):
        recruitment.leave(volunteer=volunteer, reason="  ", by=vic)
    volunteer.refresh_from_db()
    recruitment.leave(volunteer=volunteer, reason="Moved to Leeds", by=vic)
    assert volunteer.applications.get().stage == Stage.LEFT


def test_the_administrators_requirements_replace_the_defaults(vic) -> None:
    Requirement.objects.filter(role=VolunteerRole.RIGHTS_AND_REPS).delete()
    Requirement.objects.create(role=VolunteerRole.RIGHTS_AND_REPS, kind=RequirementKind.APPLICATION_FORM, position=1)
    Requirement.objects.create(
        role=VolunteerRole.RIGHTS_AND_REPS, kind=RequirementKind.SAFEGUARDING_TRAINING, position=2, valid_for_months=12
    )
    volunteer = make_volunteer()
    application = approve_for_role(volunteer, VolunteerRole.RIGHTS_AND_REPS, coordinator=vic)
    assert application.stage == Stage.APPROVED
    assert application.approved_until == add_months(recruitment.today(), 12) - dt.timedelta(days=1)
    assert not DbsCheck.objects.filter(volunteer=volunteer).exists()


def test_approval_invites_the_volunteer_to_the_portal_and_accepting_links_their_account(vic) -> None:
    volunteer = make_volunteer(email="newvol@example.org")
    approve_for_role(volunteer, ROLE, coordinator=vic)
    invitation = Invitation.objects.get(email="newvol@example.org")
    assert invitation.roles == [Role.VOLUNTEER.value]
    assert OutboxMessage.objects.filter(template="invitation", to=["newvol@example.org"]).exists()
    approve_for_role(volunteer, VolunteerRole.FGC, coordinator=vic)
    assert Invitation.objects.filter(email="newvol@example.org").count() == 1
    email = OutboxMessage.objects.get(template="invitation", to=["newvol@example.org"])
    token = email.text.split("/invitation/", 1)[1].split("/", 1)[0]
    user = accept_invitation(token=token, password="a-long-Passphrase-42")
    volunteer.refresh_from_db()
    assert volunteer.user == user


def test_an_existing_volunteer_account_is_linked_at_once(vic, val) -> None:
    volunteer = make_volunteer(email=val.email)
    approve_for_role(volunteer, ROLE, coordinator=vic)
    volunteer.refresh_from_db()
    assert volunteer.user == val
    assert not Invitation.objects.filter(email=val.email).exists()


# -- the rule, for any records ----------------------------------------------------------------

ON = dt.date(2026, 6, 1)
LONG_AGO = ON - dt.timedelta(days=37 * 31)  # past every 36-month validity


def _check(kind: str, *, done: dt.date | None, started: dt.date = LONG_AGO, **extra: Any) -> CheckRecord:
    return CheckRecord(kind=kind, role=extra.pop("role", ROLE), started_on=started, completed_on=done, **extra)


def _cert(*, issued: dt.date | None = ON, **extra: Any) -> DbsCheck:
    fields: dict[str, Any] = {
        "applied_on": LONG_AGO,
        "issued_on": issued,
        "level": DbsLevel.ENHANCED_CHILDREN,
        "barred_list_checked": True,
        "outcome": DbsOutcome.CLEAR,
    }
    fields.update(extra)
    return DbsCheck(**fields)


# For each requirement, ways its records can stand, each with whether it counts on ON.
NO_EXPIRY_KIND = [
    ("missing", [], False),
    ("only started", [_check("x", done=None)], False),
    ("done today", [_check("x", done=ON)], True),
    ("done long ago", [_check("x", done=LONG_AGO)], True),
    (
        "done, own expiry passed",
        [_check("x", done=ON - dt.timedelta(days=9), expires_on=ON - dt.timedelta(days=1))],
        False,
    ),
    ("done, own expiry today", [_check("x", done=ON - dt.timedelta(days=9), expires_on=ON)], True),
    ("only for another role", [_check("x", done=ON, role=VolunteerRole.FGC)], False),
    ("for every role", [_check("x", done=ON, role="")], True),
]
SAFEGUARDING = [
    ("missing", [], False),
    ("only started", [_check("x", done=None)], False),
    ("done today", [_check("x", done=ON)], True),
    ("expired", [_check("x", done=LONG_AGO)], False),
    ("expired, then renewed", [_check("x", done=LONG_AGO), _check("x", done=ON)], True),
    ("expires today", [_check("x", done=add_months(ON, -36) + dt.timedelta(days=1))], True),
    ("expired yesterday", [_check("x", done=add_months(ON, -36))], False),
]
DBS = [
    ("missing", [], False),
    ("clear", [_cert()], True),
    ("applied for", [_cert(issued=None, outcome=DbsOutcome.PENDING)], False),
    ("pending with a stray decision", [_cert(outcome=DbsOutcome.PENDING, decision=DbsDecision.ACCEPTED)], False),
    ("barred list not checked", [_cert(barred_list_checked=False)], False),
    ("enhanced without barred lists", [_cert(level=DbsLevel.ENHANCED)], False),
    ("disclosed, undecided", [_cert(outcome=DbsOutcome.DISCLOSED)], False),
    ("disclosed, refused", [_cert(outcome=DbsOutcome.DISCLOSED, decision=DbsDecision.REFUSED)], False),
    ("disclosed, accepted", [_cert(outcome=DbsOutcome.DISCLOSED, decision=DbsDecision.ACCEPTED)], True),
    ("over three years old", [_cert(issued=LONG_AGO)], False),
    ("old, and a new one", [_cert(issued=LONG_AGO), _cert()], True),
    ("update service, checked lately", [_cert(issued=LONG_AGO, update_service=True, status_checked_on=ON)], True),
    ("update service, unchecked for a year", [_cert(issued=ON - dt.timedelta(days=400), update_service=True)], False),
]
REFERENCES = [
    (name, [Reference(status=s) for s in statuses], sum(s == ReferenceStatus.ACCEPTED for s in statuses) >= 2)
    for name, statuses in [
        ("none", []),
        ("two accepted", [ReferenceStatus.ACCEPTED] * 2),
        ("three accepted", [ReferenceStatus.ACCEPTED] * 3),
        ("one accepted, one received", [ReferenceStatus.ACCEPTED, ReferenceStatus.RECEIVED]),
        ("one accepted, one rejected", [ReferenceStatus.ACCEPTED, ReferenceStatus.REJECTED]),
        ("one accepted, one failed", [ReferenceStatus.ACCEPTED, ReferenceStatus.FAILED]),
        ("two received", [ReferenceStatus.RECEIVED] * 2),
        ("two requested", [ReferenceStatus.REQUESTED] * 2),
    ]
]


def _variants(options: list[Any]) -> Any:
    """Mostly a way that counts, so the all-met case and each single failure are both common."""
    good = [o for o in options if o[2] is not False]
    return st.one_of(st.sampled_from(good), st.sampled_from(options))


@hsettings(max_examples=400, deadline=None)
@given(
    form=_variants(NO_EXPIRY_KIND),
    interview=_variants(NO_EXPIRY_KIND),
    safeguarding=_variants(SAFEGUARDING),
    role_training=_variants(NO_EXPIRY_KIND),
    dbs=_variants(DBS),
    refs=_variants(REFERENCES),
)
def test_the_stage_is_never_approved_while_any_requirement_is_missing_or_expired(
    form: Any, interview: Any, safeguarding: Any, role_training: Any, dbs: Any, refs: Any
) -> None:
    _assert_stage_follows(form, interview, safeguarding, role_training, dbs, refs)


def _assert_stage_follows(
    form: Any, interview: Any, safeguarding: Any, role_training: Any, dbs: Any, refs: Any
) -> None:
    checks = []
    counts = []
    for kind, (_name, records, met) in [
        (RequirementKind.APPLICATION_FORM, form),
        (RequirementKind.INTERVIEW, interview),
        (RequirementKind.SAFEGUARDING_TRAINING, safeguarding),
        (RequirementKind.ROLE_TRAINING, role_training),
    ]:
        for record in records:
            copy = CheckRecord(**{f.attname: getattr(record, f.attname) for f in CheckRecord._meta.concrete_fields})
            copy.kind = kind
            checks.append(copy)
        counts.append(met)
    counts += [dbs[2], refs[2]]
    records = Records(checks=checks, dbs=dbs[1], references=refs[1], requirements=[])
    tasks = [recruitment._task(r, ROLE, records, ON) for r in DEFAULT_REQUIREMENTS[ROLE]]
    stage, until = stage_from(tasks, anything_recorded=records.anything)

    assert (stage == Stage.APPROVED) == all(counts)
    if stage == Stage.APPROVED:
        assert until is not None and until >= ON
        assert until == min(t.valid_until for t in tasks if t.valid_until)
    else:
        assert until is None


SLOTS: dict[str, list[Any]] = {
    "form": NO_EXPIRY_KIND,
    "interview": NO_EXPIRY_KIND,
    "safeguarding": SAFEGUARDING,
    "role_training": NO_EXPIRY_KIND,
    "dbs": DBS,
    "refs": REFERENCES,
}


@pytest.mark.parametrize(
    ("slot", "variant"),
    [(slot, variant) for slot, options in SLOTS.items() for variant in options],
    ids=lambda value: value[0] if isinstance(value, tuple) else value,
)
def test_each_way_a_single_requirement_can_stand_decides_approval_alone(slot: str, variant: Any) -> None:
    """Everything else met: the stage is approved exactly when this one counts."""
    chosen = {name: next(o for o in options if o[2]) for name, options in SLOTS.items()}
    chosen[slot] = variant
    _assert_stage_follows(**chosen)
