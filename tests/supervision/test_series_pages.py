"""The pages that keep a coordinator from making a mess: clashes, confirmations, undo, answers reset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from accounts.models import User
from diary.models import AttendeeResponse
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import CalendarWork, GroupMember, MembershipChange, SupervisionGroup, SupervisionSession
from supervision.services import membership
from supervision.tasks import apply_membership_change, run_pending_membership_changes
from tests.supervision import factories as gcs


def _diarise(group: SupervisionGroup, by: User, weeks: int = 12) -> list[SupervisionSession]:
    first = gcs.working_day_from_today(7)
    return services.diarise_series(group=group, first_day=first, by=by, until=first + dt.timedelta(weeks=weeks)).created


def test_the_preview_flags_dates_near_an_existing_session_and_leaves_them_out_unless_chosen(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    first = services.plan_series(group=north_group, first_day=gcs.working_day_from_today(7))[0].day
    near = gcs.make_session(group=north_group, day=gcs.working_day_from_today((first - timezone.localdate()).days + 1))
    page = client_for(gina).get(f"/gcs/groups/{north_group.pk}/diarise/", {"first_day": first.isoformat()})
    html = page.content.decode()
    assert "Clash" in html
    assert f"The group already has a session on {timezone.localtime(near.start):%A %-d %B %Y}" in html
    before = OutboxMessage.objects.count()
    result = services.diarise_series(group=north_group, first_day=first, by=gina)
    assert first not in {timezone.localtime(s.start).date() for s in result.created}
    assert result.clashes_left_out == [first]
    assert OutboxMessage.objects.count() - before == 4  # one series invite per person
    chosen = services.diarise_series(group=north_group, first_day=first, by=gina, include=[first])
    assert [timezone.localtime(s.start).date() for s in chosen.created] == [first]


def test_diarising_the_same_dates_again_says_nothing_to_do_and_sends_nothing(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    _diarise(north_group, gina)
    before = OutboxMessage.objects.count()
    first = gcs.working_day_from_today(7)
    data = {"first_day": first.isoformat(), "until": (first + dt.timedelta(weeks=12)).isoformat()}
    client = client_for(gina)
    preview = client.get(f"/gcs/groups/{north_group.pk}/diarise/", data).content.decode()
    assert "Nothing to do" in preview
    assert "send invitations</button>" not in preview
    response = client.post(f"/gcs/groups/{north_group.pk}/diarise/", data, follow=True)
    html = response.content.decode()
    assert "Nothing to do" in html
    assert "0 sessions diarised" not in html
    assert OutboxMessage.objects.count() == before


def test_removing_a_member_first_says_what_it_will_do(
    north_group: SupervisionGroup, gina: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    created = _diarise(north_group, gina)
    member = north_group.members.get(user=alice)
    page = client_for(gina).get(f"/gcs/groups/{north_group.pk}/members/{member.pk}/remove/").content.decode()
    assert f"cancel their invitations to {len(created)} future sessions" in page
    assert GroupMember.objects.filter(pk=member.pk).exists()  # asking changes nothing


def test_adding_and_removing_answer_at_once_and_the_worker_sends_one_email_each(
    north_group: SupervisionGroup, gina: User, alice: User, bob: User, client_for: Callable[[User], Client]
) -> None:
    _diarise(north_group, gina)
    client = client_for(gina)
    before = OutboxMessage.objects.count()
    client.post(f"/gcs/groups/{north_group.pk}/members/add/", {"user": bob.pk, "discipline": "domestic_abuse"})
    assert OutboxMessage.objects.count() == before  # nothing yet: the calendar work is the worker's
    change = MembershipChange.objects.get(user=bob)
    assert change.status == CalendarWork.WAITING
    group_page = client.get(f"/gcs/groups/{north_group.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in group_page  # progress is polled while work waits
    assert apply_membership_change(change.pk) is True
    assert apply_membership_change(change.pk) is False  # safe to run twice: the second finds it done
    change.refresh_from_db()
    assert change.status == CalendarWork.DONE
    assert OutboxMessage.objects.filter(to__icontains=bob.email).count() == 1
    # Everyone else gets the updated series (SEQUENCE raised, one email each).
    assert OutboxMessage.objects.count() - before == 5
    panel = client.get(f"/gcs/groups/{north_group.pk}/calendar-work/").content.decode()
    assert "Calendars updated" in panel and "every 2s" not in panel


def test_a_removal_can_be_undone_while_its_sessions_are_still_to_come(
    north_group: SupervisionGroup, gina: User, alice: User, client_for: Callable[[User], Client]
) -> None:
    _diarise(north_group, gina)
    client = client_for(gina)
    member = north_group.members.get(user=alice)
    client.post(f"/gcs/groups/{north_group.pk}/members/{member.pk}/remove/")
    run_pending_membership_changes()
    assert OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="CANCEL").count() == 1
    change = MembershipChange.objects.get(user=alice, kind=MembershipChange.Kind.REMOVED)
    assert "Undo: restore Alice Practitioner" in client.get(f"/gcs/groups/{north_group.pk}/").content.decode()
    client.post(f"/gcs/groups/{north_group.pk}/members/restore/{change.pk}/")
    run_pending_membership_changes()
    assert north_group.members.filter(user=alice).exists()
    assert OutboxMessage.objects.filter(to__icontains=alice.email, calendar_method="REQUEST").count() == 2
    change.refresh_from_db()
    assert not membership.can_restore(change)  # undone once: no second undo
    # Once every session it touched is over, a removal can no longer be undone.
    services.remove_member(member=north_group.members.get(user=alice), by=gina)
    later = MembershipChange.objects.filter(user=alice, kind=MembershipChange.Kind.REMOVED).latest("pk")
    north_group.sessions.update(
        end=timezone.now() - dt.timedelta(hours=1), start=timezone.now() - dt.timedelta(hours=2)
    )
    assert not membership.can_restore(later)


def test_cancelling_sessions_from_a_date_asks_for_one_confirmation_first(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    created = _diarise(north_group, gina)
    client = client_for(gina)
    data = {
        "action": "cancel",
        "first_day": timezone.localtime(created[1].start).date().isoformat(),
        "reason": "Paused",
    }
    before = OutboxMessage.objects.count()
    check = client.post(f"/gcs/groups/{north_group.pk}/sessions/change/", data).content.decode()
    assert f"Cancel {len(created) - 1} sessions" in check
    assert OutboxMessage.objects.count() == before
    client.post(f"/gcs/groups/{north_group.pk}/sessions/change/", {**data, "confirm": "yes"})
    assert north_group.sessions.scheduled().count() == 1
    assert OutboxMessage.objects.count() - before == 4  # one per person, not one per session


def test_moving_a_session_says_whose_answers_are_reset(
    north_group: SupervisionGroup, gina: User, alice: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    session = _diarise(north_group, gina)[0]
    services.respond_in_app(session=session, user=alice, response=AttendeeResponse.ACCEPTED)
    services.respond_in_app(session=session, user=mo, response=AttendeeResponse.DECLINED)
    client = client_for(gina)
    form = client.get(f"/gcs/sessions/{session.pk}/edit/").content.decode()
    assert "Alice Practitioner (accepted)" in form and "Mo Manager (declined)" in form
    start = timezone.localtime(session.start) + dt.timedelta(days=1)
    response = client.post(
        f"/gcs/sessions/{session.pk}/edit/",
        {"day": start.date().isoformat(), "start_time": "10:00", "end_time": "12:00", "location": "", "online_url": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "These answers were reset" in html and "Alice Practitioner (accepted)" in html
    assert session.meeting is not None
    assert set(session.meeting.attendees.values_list("response", flat=True)) == {AttendeeResponse.NEEDS_ACTION}
