"""Expiring checks: reminders at 60, 30 and 7 days, each once; lapses told to the coordinator; DBS content purged."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import AuditEvent
from outbox.models import OutboxMessage
from tests.volunteers.factories import approve_for_role, make_request, make_volunteer
from volunteers.models import DbsCheck, DbsDecision, DbsOutcome, Match, MatchState, Stage, VolunteerRole
from volunteers.services import expiry, recruitment

pytestmark = pytest.mark.django_db
ROLE = VolunteerRole.CHILD_AND_FAMILY


@pytest.fixture
def approved(vic):
    volunteer = make_volunteer(coordinator=vic, email="vera@example.org", first_name="Vera")
    application = approve_for_role(volunteer, ROLE, coordinator=vic)
    return volunteer, application


def _reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(idempotency_key__startswith="vol-expiry:").order_by("pk"))


def test_reminders_go_to_the_coordinator_and_the_volunteer_at_60_30_and_7_days_each_once(approved, vic) -> None:
    _volunteer, application = approved
    until = application.approved_until
    assert expiry.send_expiry_reminders(on=until - dt.timedelta(days=61)) == 0
    for days_left, expected in ((60, 2), (59, 2), (30, 4), (30, 4), (8, 4), (7, 6), (1, 6)):
        expiry.send_expiry_reminders(on=until - dt.timedelta(days=days_left))
        # Two requirements end that day (DBS and safeguarding training): one email per recipient
        # per requirement and threshold.
        assert len(_reminders()) == expected * 2, days_left
    recipients = {tuple(m.to) for m in _reminders()}
    assert recipients == {(vic.email,), ("vera@example.org",)}


def test_a_job_that_starts_late_sends_only_the_nearest_reminder(approved) -> None:
    _volunteer, application = approved
    expiry.send_expiry_reminders(on=application.approved_until - dt.timedelta(days=5))
    assert {m.idempotency_key.split(":")[4] for m in _reminders()} == {"7"}


def test_a_lapse_recomputes_the_stage_and_tells_the_coordinator_of_live_matches_by_reference(
    approved, vic, alice, north_family
) -> None:
    volunteer, application = approved
    live = Match.objects.create(
        request=make_request(requested_by=alice, family=north_family), volunteer=volunteer, state=MatchState.ACTIVE
    )
    ended = Match.objects.create(
        request=make_request(requested_by=alice, family=north_family),
        volunteer=volunteer,
        state=MatchState.ENDED,
        ending_reason="goals_met",
    )
    day_after = application.approved_until + dt.timedelta(days=1)
    assert expiry.handle_lapses(on=application.approved_until) == 0
    assert expiry.handle_lapses(on=day_after) == 1
    assert expiry.handle_lapses(on=day_after) == 0
    application.refresh_from_db()
    assert application.stage != Stage.APPROVED
    (email,) = OutboxMessage.objects.filter(idempotency_key__startswith="vol-lapsed:")
    assert email.to == [vic.email]
    assert live.request.reference in email.text
    assert ended.request.reference not in email.text
    assert north_family.family_name not in email.text + email.subject + email.html


def test_dbs_content_is_deleted_six_months_after_issue_keeping_number_date_level_and_decision(vic) -> None:
    volunteer = make_volunteer()
    issued = dt.date(2026, 1, 15)
    dbs = recruitment.record_dbs(
        volunteer=volunteer,
        by=vic,
        applied_on=issued,
        certificate_number="009988776655",
        issued_on=issued,
        barred_list_checked=True,
        outcome=DbsOutcome.DISCLOSED,
        content_notes="Reprimand, 2009.",
    )
    recruitment.decide_dbs(dbs=dbs, by=vic, decision=DbsDecision.ACCEPTED, note="Spent and minor.")
    assert expiry.purge_dbs_content(on=dt.date(2026, 7, 14)) == 0
    assert expiry.purge_dbs_content(on=dt.date(2026, 7, 15)) == 1
    assert expiry.purge_dbs_content(on=dt.date(2026, 7, 16)) == 0
    dbs = DbsCheck.objects.get(pk=dbs.pk)
    assert (dbs.content_notes, dbs.decision_note) == ("", "")
    assert (dbs.certificate_number, dbs.issued_on, dbs.level, dbs.decision) == (
        "009988776655",
        issued,
        "enhanced_children",
        DbsDecision.ACCEPTED,
    )
    assert dbs.content_purged_on == dt.date(2026, 7, 15)
    assert AuditEvent.objects.filter(object_id=str(dbs.pk), detail__content_purged=True).count() == 1
    with pytest.raises(Exception, match="deleted"):
        recruitment.record_dbs(volunteer=volunteer, by=vic, dbs=dbs, content_notes="Again")
