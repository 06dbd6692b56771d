"""Recording a conference: its stages, attendance and plan, held status, the plan PDF, letters and circulation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from families.models import Family
from fgc.models import Conference, ConferenceStatus, ReferralStatus, ReferrerDecision
from fgc.tasks import render_and_circulate_plan
from outbox.models import OutboxMessage
from tests.fgc.conference_helpers import booked_conference, pdf_pages, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(north_family: Family, alice: User, fern: User) -> Conference:
    return booked_conference(family=north_family, referrer=alice, coordinator=fern)


def test_recording_marks_the_conference_and_the_referral_held_with_the_plan(conference, fern) -> None:
    plan = record(conference, by=fern)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert conference.referral.status == ReferralStatus.HELD
    assert sorted(i.who for i in plan.items.all()) == ["Grandma Rose", "Mum"]
    assert plan.items.get(who="Mum").by_when is None
    assert {tuple(a.stages) for a in conference.attendance.all()} == {
        ("information", "family_time", "plan"),
        ("information",),
    }
    assert plan.referrer_decision == ReferrerDecision.AGREED and plan.agreed_at == conference.ended_at


def test_stages_out_of_order_are_refused_and_nothing_is_saved(conference, fern) -> None:
    with pytest.raises(ValidationError) as exc:
        record(conference, by=fern, family_time_started_at=conference.start - dt.timedelta(minutes=5))
    assert "family_time_started_at" in exc.value.message_dict
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.BOOKED


def test_a_plan_not_agreed_needs_reasons(conference, fern) -> None:
    with pytest.raises(ValidationError) as exc:
        record(conference, by=fern, referrer_decision=ReferrerDecision.NOT_AGREED)
    assert exc.value.message_dict["decision_reasons"] == ["Give the reasons the plan is not agreed."]
    plan = record(
        conference, by=fern, referrer_decision=ReferrerDecision.NOT_AGREED, decision_reasons="Dad still visits."
    )
    assert plan.agreed_at is None and plan.decision_reasons == "Dad still visits."


def test_a_plan_needs_a_part_and_the_family_present(conference, fern) -> None:
    with pytest.raises(ValidationError) as exc:
        record(conference, by=fern, items=[])
    assert "items" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(conference, by=fern, attendance=[])
    assert "attendance" in exc.value.message_dict


def test_a_held_conference_cannot_be_recorded_twice(conference, fern) -> None:
    record(conference, by=fern)
    with pytest.raises(ValidationError, match="held"):
        record(conference, by=fern)


def test_the_plan_pdf_has_the_plan_and_the_marking_on_every_page(conference, fern, settings) -> None:
    plan = record(conference, by=fern)
    render_and_circulate_plan(plan.pk)
    plan.refresh_from_db()
    pages = pdf_pages(plan.pdf.name)
    assert all(settings.PROTECTIVE_MARKING in page for page in pages)
    text = " ".join(" ".join(pages).split())
    assert "Family Group Conference plan" in text
    assert conference.referral.reference in text
    assert "Grandma Rose collects the children from school every weekday" in text
    assert "The children stay with Grandma Rose if Dad returns." in text
    assert "Agreed" in text


def test_each_family_member_who_took_part_gets_a_letter_page(conference, fern, settings) -> None:
    plan = record(conference, by=fern)
    render_and_circulate_plan(plan.pk)
    plan.refresh_from_db()
    pages = pdf_pages(plan.letters_pdf.name)
    assert all(settings.PROTECTIVE_MARKING in page for page in pages)
    assert "Dear Grandma Rose" in " ".join(pages[0].split())
    assert "3 Elm Road" in pages[0]


def test_professionals_who_took_part_get_a_link_never_the_plan_and_only_once(conference, fern, alice) -> None:
    plan = record(conference, by=fern)
    render_and_circulate_plan(plan.pk)
    render_and_circulate_plan(plan.pk)  # a retried task sends nothing twice
    emails = OutboxMessage.objects.filter(template="fgc_plan_circulated")
    assert sorted(e.to[0] for e in emails) == sorted([alice.email, fern.email])
    for email in emails:
        assert f"/fgc/conferences/{conference.pk}/plan.pdf" in email.text
        assert conference.referral.reference in email.subject
        assert "Grandma" not in email.text + email.html and not email.calendar
        assert conference.referral.family.case_reference not in email.text + email.subject
    plan.refresh_from_db()
    assert plan.circulated_at is not None
