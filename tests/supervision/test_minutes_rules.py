"""The rules of the minutes services one by one: what each refuses, what it changes, and what it leaves alone.

The action services have theirs in test_action_rules.py.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from diary.models import Reminder
from families.models import Family
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import (
    Action,
    AttendanceStatus,
    MinutesEntry,
    MinutesStatus,
    MinutesVersion,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.services.minutes import MAX_ENTRY_CHARS
from tests import factories
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session, minute_and_submit


@pytest.fixture
def held(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


def _status(session: SupervisionSession) -> str:
    session.refresh_from_db()
    return session.minutes_status


def _entries() -> list[tuple[str, str, int]]:
    return list(MinutesEntry.objects.order_by("section").values_list("section", "text", "version"))


# --- Writing the minutes ----------------------------------------------------------


def test_an_unknown_section_is_refused_and_nothing_is_stored(held: SupervisionSession, gina: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.save_entry(item=held.items.get(), section="gossip", text="x", base_version=0, by=gina)
    assert refused.value.message_dict == {"section": ["Unknown section."]}
    assert _entries() == []


def test_a_section_may_hold_up_to_the_limit_and_not_a_character_more(held: SupervisionSession, gina: User) -> None:
    item = held.items.get()
    with pytest.raises(ValidationError) as refused:
        services.save_entry(item=item, section="worries", text="w" * (MAX_ENTRY_CHARS + 1), base_version=0, by=gina)
    assert refused.value.message_dict == {"text": ["A section can be at most 20,000 characters."]}
    assert _entries() == []
    saved = services.save_entry(item=item, section="worries", text="w" * MAX_ENTRY_CHARS, base_version=0, by=gina)
    assert saved.saved
    assert MAX_ENTRY_CHARS == 20000


def test_the_minutes_of_a_cancelled_session_cannot_be_written(
    upcoming_with_item: SupervisionSession, gina: User, alice: User
) -> None:
    services.cancel_session(session=upcoming_with_item, by=gina, reason="Chair unwell")
    item = upcoming_with_item.items.get()
    with pytest.raises(ValidationError, match="This session has been cancelled"):
        services.save_entry(item=item, section="worries", text="x", base_version=0, by=gina)
    with pytest.raises(ValidationError, match="This session has been cancelled"):
        services.add_action(item=item, description="x", owner=alice, due_on=timezone.localdate(), by=gina)
    assert _entries() == []
    assert not Action.objects.exists()


def test_approved_minutes_cannot_be_written_until_a_correction_is_started(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    services.approve_minutes(session=held, by=mo)
    with pytest.raises(ValidationError, match="approved and locked"):
        services.save_entry(item=held.items.get(), section="worries", text="late", base_version=1, by=gina)


def test_the_first_save_of_a_section_is_version_1_by_its_writer(held: SupervisionSession, gina: User) -> None:
    result = services.save_entry(item=held.items.get(), section="worries", text="First", base_version=0, by=gina)
    assert (result.saved, result.conflict) == (True, False)
    entry = MinutesEntry.objects.get()
    assert (entry.section, entry.text, entry.version, entry.updated_by) == ("worries", "First", 1, gina)
    assert entry.updated_at is not None


def test_saving_a_section_that_was_never_saved_from_a_later_version_says_it_has_gone(
    held: SupervisionSession, gina: User
) -> None:
    with pytest.raises(ValidationError, match="This section has gone"):
        services.save_entry(item=held.items.get(), section="worries", text="x", base_version=2, by=gina)
    assert _entries() == []


def test_saving_the_same_text_again_changes_nothing_and_is_no_conflict(
    held: SupervisionSession, gina: User, mo: User
) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="worries", text="Same", base_version=0, by=gina)
    again = services.save_entry(item=item, section="worries", text="Same", base_version=1, by=mo)
    assert (again.saved, again.conflict) == (False, False)
    stale_but_same = services.save_entry(item=item, section="worries", text="Same", base_version=0, by=mo)
    assert (stale_but_same.saved, stale_but_same.conflict) == (False, False)
    entry = MinutesEntry.objects.get()
    assert (entry.version, entry.updated_by) == (1, gina)


def test_a_later_save_records_who_wrote_it(held: SupervisionSession, gina: User, mo: User) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="worries", text="Gina's", base_version=0, by=gina)
    first_at = MinutesEntry.objects.get().updated_at
    services.save_entry(item=item, section="worries", text="Mo's", base_version=1, by=mo)
    entry = MinutesEntry.objects.get()
    assert (entry.text, entry.version, entry.updated_by) == ("Mo's", 2, mo)
    assert entry.updated_at >= first_at


# --- Submitting, returning, approving, correcting ----------------------------------


def test_submitting_sends_the_minutes_to_every_chair_and_records_who_and_when(
    held: SupervisionSession, north_group: SupervisionGroup, gina: User, alice: User, mo: User, sam: User
) -> None:
    services.update_member(member=north_group.members.get(user=sam), discipline="chair", by=gina)
    assert held.meeting is not None
    overdue = Reminder.objects.filter(key__startswith=f"meeting:{held.meeting.uid}:gcs-minutes-overdue")
    assert set(overdue.values_list("status", flat=True)) == {"pending"}
    minute_and_submit(held, by=gina, present=[alice, mo])
    assert set(overdue.values_list("status", flat=True)) == {"withdrawn"}
    held.refresh_from_db()
    assert (held.minutes_status, held.minutes_submitted_by) == (MinutesStatus.SUBMITTED, gina)
    assert held.minutes_submitted_at is not None
    told = OutboxMessage.objects.filter(template="gcs_minutes_submitted")
    assert sorted(m.to[0] for m in told) == sorted([mo.email, sam.email])
    assert AuditEvent.objects.filter(object_id=str(held.pk), detail__minutes="submitted").count() == 1


def test_minutes_cannot_be_submitted_twice(held: SupervisionSession, gina: User, alice: User, mo: User) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_minutes(session=held, by=gina)
    assert OutboxMessage.objects.filter(template="gcs_minutes_submitted").count() == 1


def test_minutes_cannot_be_submitted_before_the_session_starts_or_for_a_cancelled_session(
    upcoming_with_item: SupervisionSession, gina: User, alice: User
) -> None:
    with pytest.raises(ValidationError, match="once the session has started"):
        services.submit_minutes(session=upcoming_with_item, by=gina)
    services.cancel_session(session=upcoming_with_item, by=gina, reason="Snow")
    with pytest.raises(ValidationError, match="cancelled"):
        services.submit_minutes(session=upcoming_with_item, by=gina)
    assert _status(upcoming_with_item) == MinutesStatus.DRAFT


def test_minutes_with_no_family_on_the_agenda_cannot_be_submitted(
    north_group: SupervisionGroup, gina: User, alice: User
) -> None:
    empty = gcs.make_past_session(group=north_group)
    services.record_attendance(session=empty, statuses={alice.pk: AttendanceStatus.PRESENT}, by=gina)
    with pytest.raises(ValidationError, match="no families on the agenda"):
        services.submit_minutes(session=empty, by=gina)


def test_attendance_of_apologies_only_is_not_enough_to_submit(
    held: SupervisionSession, gina: User, alice: User
) -> None:
    services.record_attendance(session=held, statuses={alice.pk: AttendanceStatus.APOLOGIES}, by=gina)
    with pytest.raises(ValidationError, match="Record who attended"):
        services.submit_minutes(session=held, by=gina)


def test_a_group_without_a_chair_cannot_have_its_minutes_submitted(gina: User, alice: User) -> None:
    team = factories.make_team("Chairless")
    group = gcs.make_group(team=team, coordinator=gina, minute_taker=gina, members={alice: "social_worker"})
    session = held_session(group, factories.make_family(team=team, practitioner=alice), alice)
    services.record_attendance(session=session, statuses={alice.pk: AttendanceStatus.PRESENT}, by=gina)
    with pytest.raises(ValidationError, match="no chair"):
        services.submit_minutes(session=session, by=gina)
    assert _status(session) == MinutesStatus.DRAFT


@pytest.mark.parametrize("state", ["draft", "returned", "approved"])
def test_minutes_that_are_not_submitted_cannot_be_approved(
    held: SupervisionSession, gina: User, alice: User, mo: User, state: str
) -> None:
    if state != "draft":
        minute_and_submit(held, by=gina, present=[alice, mo])
        if state == "returned":
            services.return_minutes(session=held, comments="Add the child's voice", by=mo)
        else:
            services.approve_minutes(session=held, by=mo)
    versions = MinutesVersion.objects.count()
    with pytest.raises(ValidationError, match="Only submitted minutes can be approved"):
        services.approve_minutes(session=held, by=mo)
    assert MinutesVersion.objects.count() == versions
    assert _status(held) == state


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_only_submitted_minutes_can_be_returned(
    held: SupervisionSession, gina: User, alice: User, mo: User, state: str
) -> None:
    if state == "approved":
        minute_and_submit(held, by=gina, present=[alice, mo])
        services.approve_minutes(session=held, by=mo)
    with pytest.raises(ValidationError, match="Only submitted minutes can be returned"):
        services.return_minutes(session=held, comments="No", by=mo)
    assert _status(held) == state


def test_returning_needs_a_comment_and_keeps_it_trimmed_until_approval(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    with pytest.raises(ValidationError) as refused:
        services.return_minutes(session=held, comments="   ", by=mo)
    assert refused.value.message_dict == {"comments": ["Enter what needs to change."]}
    assert _status(held) == MinutesStatus.SUBMITTED
    services.return_minutes(session=held, comments="  Add the child's voice  ", by=mo)
    held.refresh_from_db()
    assert held.return_comments == "Add the child's voice"
    assert AuditEvent.objects.filter(object_id=str(held.pk), detail__minutes="returned").exists()
    services.submit_minutes(session=held, by=gina)
    services.approve_minutes(session=held, by=mo)
    held.refresh_from_db()
    assert held.return_comments == ""


def test_approval_numbers_versions_and_records_who_approved(
    held: SupervisionSession, gina: User, alice: User, mo: User, sam: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo], apologies=[sam])
    first = services.approve_minutes(session=held, by=mo)
    assert (first.number, first.approved_by, first.reason) == (1, mo, "")
    assert first.approved_at is not None
    assert AuditEvent.objects.filter(object_id=str(held.pk), detail__minutes="approved", detail__version=1).exists()
    services.start_correction(session=held, reason="  Wrong date  ", by=gina)
    held.refresh_from_db()
    assert (held.minutes_status, held.correction_reason) == (MinutesStatus.DRAFT, "Wrong date")
    services.submit_minutes(session=held, by=gina)
    second = services.approve_minutes(session=held, by=mo)
    held.refresh_from_db()
    assert (second.number, second.reason, held.correction_reason) == (2, "Wrong date", "")


def test_a_correction_needs_approved_minutes_and_a_reason(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    with pytest.raises(ValidationError, match="Only approved minutes can be corrected"):
        services.start_correction(session=held, reason="Typo", by=gina)
    minute_and_submit(held, by=gina, present=[alice, mo])
    services.approve_minutes(session=held, by=mo)
    with pytest.raises(ValidationError) as refused:
        services.start_correction(session=held, reason="  ", by=gina)
    assert refused.value.message_dict == {"reason": ["Enter why the minutes need correcting."]}
    assert _status(held) == MinutesStatus.APPROVED


def test_the_snapshot_holds_who_came_every_section_in_order_and_the_actions_by_due_date(
    held: SupervisionSession, north_family: Family, gina: User, alice: User, mo: User, sam: User
) -> None:
    item = held.items.get()
    later = services.add_action(
        item=item, description="Later", owner=alice, due_on=timezone.localdate() + dt.timedelta(days=20), by=gina
    )
    sooner = services.add_action(
        item=item, description="Sooner", owner=mo, due_on=timezone.localdate() + dt.timedelta(days=5), by=gina
    )
    minute_and_submit(held, by=gina, present=[alice, mo], apologies=[sam])
    snapshot = services.approve_minutes(session=held, by=mo).snapshot
    assert [p["name"] for p in snapshot["present"]] == ["Alice Practitioner", "Mo Manager"]
    assert [p["name"] for p in snapshot["apologies"]] == ["Sam Specialist"]
    (entry,) = snapshot["items"]
    assert entry["case_reference"] == north_family.case_reference
    assert entry["presenter"] == "Alice Practitioner"
    assert [a["description"] for a in entry["actions"]] == ["Sooner", "Later"]
    assert entry["actions"][0] == {"description": "Sooner", "owner": "Mo Manager", "due_on": sooner.due_on.isoformat()}
    assert later.due_on.isoformat() == entry["actions"][1]["due_on"]
    sections = {s["key"]: s["text"] for s in entry["sections"]}
    assert sections["worries"] == "Worry about school attendance"
    assert [s["key"] for s in entry["sections"]][:2] == list(sections)[:2]
    assert (snapshot["group"], snapshot["start"]) == (held.group.name, held.start.isoformat())


# --- The PDF and circulation ------------------------------------------------------


def test_approval_renders_and_circulates_once_the_approval_is_committed(
    held: SupervisionSession,
    gina: User,
    alice: User,
    mo: User,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks,
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    with django_capture_on_commit_callbacks(execute=True):
        version = services.approve_minutes(session=held, by=mo)
        assert not OutboxMessage.objects.filter(template="gcs_minutes_circulated").exists()
    version.refresh_from_db()
    assert version.pdf and version.circulated_at is not None
    assert OutboxMessage.objects.filter(template="gcs_minutes_circulated").count() == 2


def test_the_pdf_is_rendered_once_even_when_asked_again_from_a_stale_copy(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    version = services.approve_minutes(session=held, by=mo)
    stale = MinutesVersion.objects.get(pk=version.pk)
    rendered = services.render_minutes_pdf(version=version)
    # One folder per session (the storage adds a suffix to a name already taken).
    assert re.fullmatch(rf"gcs/minutes/{held.pk}/minutes-{held.pk}-v1(_\w+)?\.pdf", rendered.pdf.name)
    assert rendered.pdf_rendered_at is not None
    again = services.render_minutes_pdf(version=stale)
    assert (again.pdf.name, again.pdf_rendered_at) == (rendered.pdf.name, rendered.pdf_rendered_at)
    assert services.render_minutes_pdf(version=again) is again


def test_circulating_again_sends_nothing_new_and_keeps_the_first_times(
    held: SupervisionSession, gina: User, alice: User, mo: User, sam: User
) -> None:
    services.record_attendance(session=held, statuses={gina.pk: AttendanceStatus.ABSENT}, by=gina)
    minute_and_submit(held, by=gina, present=[alice, mo], apologies=[sam])
    version = services.approve_minutes(session=held, by=mo)
    assert services.circulate_minutes(version=version) == 3  # present and apologies, not the absent
    version.refresh_from_db()
    held.refresh_from_db()
    first = (version.circulated_at, held.first_circulated_at, held.turnaround_working_hours)
    assert None not in first
    assert AuditEvent.objects.filter(object_id=str(held.pk), detail__minutes_circulated=1, detail__to=3).exists()
    assert services.circulate_minutes(version=version) == 3
    version.refresh_from_db()
    held.refresh_from_db()
    assert (version.circulated_at, held.first_circulated_at, held.turnaround_working_hours) == first
    assert sorted(m.to[0] for m in OutboxMessage.objects.filter(template="gcs_minutes_circulated")) == sorted(
        [alice.email, mo.email, sam.email]
    )


def test_a_correction_is_circulated_but_the_turnaround_stays_that_of_the_first_version(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo])
    first = services.approve_minutes(session=held, by=mo)
    services.circulate_minutes(version=first)
    held.refresh_from_db()
    turnaround = (held.first_circulated_at, held.turnaround_working_hours)
    services.start_correction(session=held, reason="Wrong date", by=gina)
    services.submit_minutes(session=held, by=gina)
    second = services.approve_minutes(session=held, by=mo)
    services.circulate_minutes(version=second)
    second.refresh_from_db()
    held.refresh_from_db()
    assert second.circulated_at is not None
    assert (held.first_circulated_at, held.turnaround_working_hours) == turnaround
    corrected = OutboxMessage.objects.filter(
        template="gcs_minutes_circulated", idempotency_key__contains=f":{second.pk}:"
    )
    assert corrected.count() == 2


def test_minutes_circulated_before_the_session_was_due_to_end_have_a_turnaround_of_nothing(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    SupervisionSession.objects.filter(pk=held.pk).update(end=timezone.now() + dt.timedelta(hours=3))
    minute_and_submit(held, by=gina, present=[alice, mo])
    services.circulate_minutes(version=services.approve_minutes(session=held, by=mo))
    held.refresh_from_db()
    assert held.turnaround_working_hours == 0
