"""The child's preparation sessions through the pages: what is needed first, the proposal confirmed (changed or not),
a clear word when too few fit, re-planning after the conference moves, cancelling and recording."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from diary.models import Meeting
from fgc.models import PreparationSession, SessionStatus
from fgc.services import booking, child_sessions
from fgc.services import preparation as services
from tests.fgc.booking_helpers import book, slot
from tests.fgc.factories import make_venue

pytestmark = pytest.mark.django_db

EVERY_EVENING = [(day, 2) for day in range(7)]


@pytest.fixture
def child(allocated_referral):
    return allocated_referral.children.order_by("date_of_birth")[0]


@pytest.fixture
def requested(allocated_referral, child, fern, volunteer_scheme):
    return services.request_ambassador(referral=allocated_referral, child=child, by=fern)


def _sessions_url(referral, child) -> str:
    return reverse("fgc:child_sessions", kwargs={"pk": referral.pk, "child_pk": child.pk})


def _session_url(name: str, session) -> str:
    return reverse(f"fgc:{name}", kwargs={"pk": session.voice.referral_id, "session_pk": session.pk})


def _proposal_data(referral, voice) -> dict[str, str]:
    state = child_sessions.sessions_state(referral=referral, voice=voice)
    assert state.proposal is not None
    data = {}
    for n, start in enumerate(state.proposal.starts, start=1):
        local = timezone.localtime(start)
        data[f"day_{n}"], data[f"time_{n}"] = local.date().isoformat(), local.strftime("%H:%M")
    return data


def test_each_page_says_what_is_needed_first_and_where_to_do_it(
    client_for, allocated_referral, child, fern, volunteer_scheme
) -> None:
    client = client_for(fern)
    page = client.get(_sessions_url(allocated_referral, child)).content.decode()
    assert "What is needed first:" in page and "Ask for an FGC Ambassador for the child first" in page
    services.request_ambassador(referral=allocated_referral, child=child, by=fern)
    page = client.get(_sessions_url(allocated_referral, child)).content.decode()
    assert "once a volunteer has accepted the match" in page
    volunteer_scheme.accept(slots=EVERY_EVENING)
    page = client.get(_sessions_url(allocated_referral, child)).content.decode()
    assert "Book the conference first" in page and reverse("fgc:booking", kwargs={"pk": allocated_referral.pk}) in page
    overview = client.get(reverse("fgc:preparation", kwargs={"pk": allocated_referral.pk})).content.decode()
    assert "Book the conference first" in overview


def test_the_coordinator_sees_the_proposal_changes_a_time_and_confirms(
    client_for, allocated_referral, child, fern, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    book(allocated_referral, make_venue(), **slot(days=21))
    client = client_for(fern)
    overview = client.get(reverse("fgc:preparation", kwargs={"pk": allocated_referral.pk})).content.decode()
    assert "Proposed, not yet confirmed:" in overview and "Review and confirm the sessions" in overview
    data = _proposal_data(allocated_referral, requested)
    page = client.get(_sessions_url(allocated_referral, child)).content.decode()
    assert f'value="{data["day_1"]}"' in page and "Sam, free Monday evening" in page
    data["time_2"] = "19:30"
    response = client.post(_sessions_url(allocated_referral, child), data)
    assert response.status_code == 302 and response["Location"] == _sessions_url(allocated_referral, child)
    sessions = list(PreparationSession.objects.all())
    assert len(sessions) == 3 and timezone.localtime(sessions[1].start).strftime("%H:%M") == "19:30"
    assert Meeting.objects.filter(title__startswith="FGC preparation session").count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 sessions confirmed" in page and "Proposed sessions" not in page
    assert AuditEvent.objects.filter(detail__page="child-sessions", object_id=str(allocated_referral.pk)).exists()


def test_bad_times_get_clear_errors_beside_their_session_and_change_nothing(
    client_for, allocated_referral, child, fern, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    client = client_for(fern)
    body = client.post(_sessions_url(allocated_referral, child), {"day_1": "2099-01-01", "time_1": "18:00"})
    assert "Plan at least 2 sessions" in body.content.decode()
    data = _proposal_data(allocated_referral, requested)
    data["day_3"] = timezone.localtime(conference.start).date().isoformat()
    data["time_1"] = "09:00"
    page = client.post(_sessions_url(allocated_referral, child), data).content.decode()
    assert "There is a problem" in page
    assert 'href="#id_day_1">Sam is not free on' in page
    assert 'href="#id_day_3">The session must be by' in page
    data["day_2"], data["time_2"] = data["day_1"], ""
    page = client.post(_sessions_url(allocated_referral, child), data).content.decode()
    assert "Enter the start time of session 2." in page
    assert not PreparationSession.objects.exists()
    assert not Meeting.objects.filter(title__startswith="FGC preparation session").exists()


def test_when_two_sessions_cannot_fit_the_page_says_so_and_offers_no_form(
    client_for, allocated_referral, child, fern, requested, volunteer_scheme
) -> None:
    # Free one morning a week, and the conference in four days: at most one Saturday fits.
    volunteer_scheme.accept(slots=[(5, 0)])
    book(allocated_referral, make_venue(), **slot(days=4))
    page = client_for(fern).get(_sessions_url(allocated_referral, child)).content.decode()
    assert "Fewer than 2 sessions fit." in page and "Saturday morning" in page
    assert "Ask the volunteer coordinator whether Sam can offer more times" in page
    assert "Confirm the sessions" not in page and "Move the conference" in page


def test_the_referrer_reads_the_sessions_but_cannot_plan_them(
    client_for, allocated_referral, alice, child, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    book(allocated_referral, make_venue(), **slot(days=21))
    client = client_for(alice)
    page = client.get(_sessions_url(allocated_referral, child)).content.decode()
    assert "The coordinator confirms them." in page and "Confirm the sessions" not in page
    data = _proposal_data(allocated_referral, requested)
    assert client.post(_sessions_url(allocated_referral, child), data).status_code == 403
    assert not PreparationSession.objects.exists()


def test_after_the_conference_moves_the_coordinator_replans_a_flagged_session(
    client_for, allocated_referral, fern, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    state = child_sessions.sessions_state(referral=allocated_referral, voice=requested)
    assert state.proposal is not None
    child_sessions.confirm_sessions(voice=requested, by=fern, starts=state.proposal.starts)
    booking.rebook(conference=conference, by=fern, venue=conference.venue, **slot(days=10))
    client = client_for(fern)
    overview = client.get(reverse("fgc:preparation", kwargs={"pk": allocated_referral.pk})).content.decode()
    assert "Needs re-planning" in overview and "Re-plan the sessions" in overview
    flagged = PreparationSession.objects.filter(needs_replanning=True).order_by("-start").first()
    assert flagged is not None
    page = client.get(_session_url("session_move", flagged)).content.decode()
    assert "Re-plan a preparation session" in page and "Kinfolk suggests" in page
    late = timezone.localtime(flagged.start)
    body = client.post(
        _session_url("session_move", flagged), {"day": late.date().isoformat(), "start_time": "18:00"}
    ).content.decode()
    assert "The session must be by" in body
    suggested = child_sessions.suggest_new_time(
        session=flagged, state=child_sessions.sessions_state(referral=allocated_referral, voice=requested)
    )
    assert suggested is not None
    local = timezone.localtime(suggested)
    response = client.post(
        _session_url("session_move", flagged), {"day": local.date().isoformat(), "start_time": local.strftime("%H:%M")}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.start == suggested and not flagged.needs_replanning


def test_the_coordinator_cancels_a_session_with_a_reason_and_records_one_held(
    client_for, allocated_referral, child, fern, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    book(allocated_referral, make_venue(), **slot(days=21))
    state = child_sessions.sessions_state(referral=allocated_referral, voice=requested)
    assert state.proposal is not None
    first, second, _third = child_sessions.confirm_sessions(voice=requested, by=fern, starts=state.proposal.starts)
    client = client_for(fern)
    assert (
        "Say why the session is cancelled." in client.post(_session_url("session_cancel", second), {}).content.decode()
    )
    client.post(_session_url("session_cancel", second), {"reason": "Ambassador unwell"})
    second.refresh_from_db()
    assert second.status == SessionStatus.CANCELLED
    # Too early to say whether the first took place.
    response = client.post(_session_url("session_outcome", first), {"held": "yes"}, follow=True)
    assert "once it has started" in response.content.decode()
    # Its time has come. Moved on the row: moving the clock would end the signed-in session too.
    started = timezone.now() - dt.timedelta(seconds=1)
    PreparationSession.objects.filter(pk=first.pk).update(start=started, end=started + dt.timedelta(hours=1))
    response = client.post(_session_url("session_outcome", first), {"held": "yes"}, follow=True)
    assert "Recorded as held, and logged as a preparation visit." in response.content.decode()
    first.refresh_from_db()
    assert first.status == SessionStatus.HELD and first.visit is not None
    overview = client.get(reverse("fgc:preparation", kwargs={"pk": allocated_referral.pk})).content.decode()
    assert "Preparation session with the FGC Ambassador." in overview and "1 held." in overview


def test_moving_the_conference_through_its_page_warns_of_sessions_to_replan(
    client_for, allocated_referral, fern, requested, volunteer_scheme
) -> None:
    volunteer_scheme.accept(slots=EVERY_EVENING)
    conference = book(allocated_referral, make_venue(), **slot(days=21))
    state = child_sessions.sessions_state(referral=allocated_referral, voice=requested)
    assert state.proposal is not None
    child_sessions.confirm_sessions(voice=requested, by=fern, starts=state.proposal.starts)
    earlier = timezone.localdate() + dt.timedelta(days=10)
    response = client_for(fern).post(
        reverse("fgc:booking", kwargs={"pk": allocated_referral.pk}),
        {
            "day": earlier.isoformat(),
            "start_time": "10:00",
            "sharing_end_time": "11:00",
            "end_time": "13:00",
            "venue": conference.venue_id,
        },
        follow=True,
    )
    flagged = PreparationSession.objects.filter(needs_replanning=True).count()
    page = response.content.decode()
    assert flagged and f"{flagged} of the children&#x27;s preparation sessions no longer fall" in page
