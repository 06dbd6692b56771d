"""save_entry, actions, submit/return/approve, the PDF, circulation and corrections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from diary.models import Reminder
from families.models import Family
from outbox.models import OutboxMessage
from supervision import services
from supervision.models import ActionStatus, MinutesStatus, MinutesVersion, SupervisionGroup, SupervisionSession
from supervision.tasks import render_and_circulate_minutes
from tests.supervision.helpers import held_session, minute_and_submit, pdf_pages


@pytest.fixture
def held(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


def test_a_save_from_the_current_version_is_stored_and_raises_the_version(held: SupervisionSession, gina: User) -> None:
    item = held.items.get()
    first = services.save_entry(item=item, section="worries", text="A", base_version=0, by=gina)
    second = services.save_entry(item=item, section="worries", text="AB", base_version=first.entry.version, by=gina)
    assert second.saved and not second.conflict
    assert second.entry.version == 2
    assert second.entry.text == "AB"


def test_a_save_from_an_older_version_is_a_conflict_and_changes_nothing(
    held: SupervisionSession, gina: User, mo: User
) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="decisions", text="Gina's text", base_version=0, by=gina)
    clash = services.save_entry(item=item, section="decisions", text="Mo's text", base_version=0, by=mo)
    assert clash.conflict and not clash.saved
    assert clash.entry.text == "Gina's text"
    assert clash.entry.updated_by == gina
    keep_mine = services.save_entry(
        item=item, section="decisions", text="Mo's text", base_version=clash.entry.version, by=mo
    )
    assert keep_mine.saved and keep_mine.entry.text == "Mo's text"


def test_autosave_by_htmx_answers_saved_at_with_the_new_version(
    held: SupervisionSession, gina: User, client_for: Callable[[User], Client]
) -> None:
    item = held.items.get()
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/strengths/",
        {"text": "Grandmother helps", "version": "0"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in body
    assert 'value="1"' in body and 'hx-swap-oob="true"' in body


TOO_LONG = "Not saved: the text is too long. A section can be at most 20,000 characters."
BAD_VERSION = (
    "Not saved: the page did not send which version of this section you edited. "
    "Copy your text, reload the page and paste it in again."
)
NULL = (
    "Not saved: the text contains a null character, which cannot be stored. "
    "It is invisible and usually comes with pasted text: delete what you pasted and type it instead."
)


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"text": "x" * 20001, "version": "0"}, TOO_LONG),
        ({"text": "Grandmother helps", "version": "two"}, BAD_VERSION),
        ({"text": "Grandmother helps", "version": "-1"}, BAD_VERSION),
        ({"text": "Grandmother helps"}, BAD_VERSION),
        ({"text": "Grandmother\x00 helps", "version": "0"}, NULL),
    ],
)
def test_an_autosave_that_cannot_be_saved_says_what_is_wrong(
    held: SupervisionSession,
    gina: User,
    client_for: Callable[[User], Client],
    data: dict[str, str],
    says: str,
    htmx: bool,
) -> None:
    item = held.items.get()
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(gina).post(f"/gcs/items/{item.pk}/minutes/strengths/", data, follow=not htmx, headers=headers)
    assert response.status_code == 200
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not item.entries.exists()


def test_autosave_conflict_shows_both_texts(
    held: SupervisionSession, gina: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="hypotheses", text="Theirs: housing stress", base_version=0, by=mo)
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/hypotheses/",
        {"text": "Mine: new partner", "version": "0"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Not saved" in body and "Mo Manager" in body
    assert "Theirs: housing stress" in body and "Mine: new partner" in body
    assert "Keep my text" in body and "Use their text" in body


def test_minutes_cannot_be_edited_once_submitted(held: SupervisionSession, gina: User, alice: User, mo: User) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    with pytest.raises(ValidationError, match="with the chair"):
        services.save_entry(item=held.items.get(), section="worries", text="late edit", base_version=1, by=gina)


def test_submitting_needs_attendance(held: SupervisionSession, gina: User) -> None:
    with pytest.raises(ValidationError, match="Record who attended"):
        services.submit_minutes(session=held, by=gina)


def test_the_chair_returns_minutes_with_comments_and_the_minute_taker_is_told(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    services.return_minutes(session=held, comments="Add the child's voice", by=mo)
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.RETURNED
    assert OutboxMessage.objects.filter(template="gcs_minutes_returned", to__icontains=gina.email).exists()
    resaved = services.save_entry(
        item=held.items.get(), section="discussion", text="Now with the child's voice", base_version=1, by=gina
    )
    assert resaved.saved and not resaved.conflict
    assert resaved.entry.version == 2 and resaved.entry.text == "Now with the child's voice"


def test_approval_locks_renders_a_pdf_with_the_marking_on_every_page_and_circulates_a_link(
    held: SupervisionSession, gina: User, alice: User, mo: User, sam: User, north_family: Family
) -> None:
    item = held.items.get()
    for n in range(40):  # long enough for several pages
        services.add_action(
            item=item,
            description=f"Action {n}",
            owner=alice,
            due_on=timezone.localdate() + dt.timedelta(days=7),
            by=gina,
        )
    minute_and_submit(held, by=gina, present=[alice, mo, gina], apologies=[sam])
    version = services.approve_minutes(session=held, by=mo)
    render_and_circulate_minutes(version.pk)
    version.refresh_from_db()
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.APPROVED
    pages = pdf_pages(version.pdf.name)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(pages)}" in text
        assert "Group Case Supervision" in text
    whole = "\n".join(pages)
    assert north_family.case_reference in whole
    assert north_family.family_name not in whole
    assert "Sam Specialist" in whole  # apologies listed
    assert "Action 39" in whole
    emails = OutboxMessage.objects.filter(template="gcs_minutes_circulated")
    assert sorted(e.to[0] for e in emails) == sorted([alice.email, mo.email, gina.email, sam.email])
    for email in emails:
        assert f"/gcs/sessions/{held.pk}/minutes/" in email.text
        assert not email.calendar
        assert north_family.family_name not in email.text + email.html + email.subject
    assert held.turnaround_working_hours is not None
    assert version.circulated_at is not None


def test_rendering_twice_sends_each_email_once(held: SupervisionSession, gina: User, alice: User, mo: User) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    version = services.approve_minutes(session=held, by=mo)
    render_and_circulate_minutes(version.pk)
    render_and_circulate_minutes(version.pk)
    assert OutboxMessage.objects.filter(template="gcs_minutes_circulated").count() == 3


def test_a_correction_is_a_new_version_with_its_reason_and_the_old_one_is_kept(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    first = services.approve_minutes(session=held, by=mo)
    render_and_circulate_minutes(first.pk)
    with pytest.raises(ValidationError):
        services.save_entry(item=held.items.get(), section="discussion", text="x", base_version=1, by=gina)
    services.start_correction(session=held, reason="Wrong due date", by=gina)
    services.save_entry(item=held.items.get(), section="discussion", text="Corrected", base_version=1, by=gina)
    services.submit_minutes(session=held, by=gina)
    second = services.approve_minutes(session=held, by=mo)
    assert second.number == 2 and second.reason == "Wrong due date"
    first.refresh_from_db()
    assert first.snapshot["items"][0]["sections"][1]["text"].startswith("Discussion of")
    assert second.snapshot["items"][0]["sections"][1]["text"] == "Corrected"
    assert MinutesVersion.objects.filter(session=held).count() == 2


def test_only_a_chair_may_approve(
    held: SupervisionSession, gina: User, alice: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    assert client_for(gina).post(f"/gcs/sessions/{held.pk}/minutes/approve/").status_code == 403
    assert client_for(mo).post(f"/gcs/sessions/{held.pk}/minutes/approve/").status_code == 302


def test_an_action_reminds_its_owner_before_it_is_due_and_done_withdraws_it(
    held: SupervisionSession, gina: User, alice: User
) -> None:
    action = services.add_action(
        item=held.items.get(),
        description="Book a home visit",
        owner=alice,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        by=gina,
    )
    reminders = Reminder.objects.filter(key__startswith=f"gcs:action:{action.pk}:")
    assert {r.template for r in reminders} == {"gcs_action_due", "gcs_action_overdue"}
    assert all(r.recipient_email == alice.email for r in reminders)
    services.set_action_done(action=action, done=True, by=alice)
    assert action.status == ActionStatus.DONE
    assert set(reminders.values_list("status", flat=True)) == {"withdrawn"}


def test_an_action_owner_may_be_anyone_who_could_be_invited_not_only_a_member(
    held: SupervisionSession, gina: User, bob: User
) -> None:
    action = services.add_action(
        item=held.items.get(), description="x", owner=bob, due_on=timezone.localdate(), by=gina
    )
    assert action.owner == bob
    assert not held.group.members.filter(user=bob).exists()


def test_an_action_owner_must_be_someone_who_could_be_invited(held: SupervisionSession, gina: User, vic: User) -> None:
    with pytest.raises(ValidationError, match="can be invited"):
        services.add_action(item=held.items.get(), description="x", owner=vic, due_on=timezone.localdate(), by=gina)


def test_the_sweep_renders_and_circulates_a_version_whose_task_was_lost(
    held: SupervisionSession, gina: User, alice: User, mo: User
) -> None:
    from supervision.tasks import render_pending_minutes

    minute_and_submit(held, by=gina, present=[alice, mo, gina])
    version = services.approve_minutes(session=held, by=mo)  # on-commit task never runs in this test
    assert render_pending_minutes() == 0  # too fresh: the task may still be on its way
    MinutesVersion.objects.filter(pk=version.pk).update(approved_at=version.approved_at - dt.timedelta(minutes=5))
    assert render_pending_minutes() == 1
    version.refresh_from_db()
    assert version.pdf and version.circulated_at is not None
    assert render_pending_minutes() == 0


def test_a_second_conflict_while_resolving_keeps_the_entry_so_the_choices_still_work(
    held: SupervisionSession, gina: User, mo: User, client_for: Callable[[User], Client]
) -> None:
    item = held.items.get()
    first = services.save_entry(item=item, section="decisions", text="Mo's first", base_version=0, by=mo)
    services.save_entry(item=item, section="decisions", text="Mo's second", base_version=first.entry.version, by=mo)
    # Gina chose "keep my text" from the first conflict (version 1), but Mo saved again meanwhile.
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/decisions/",
        {"text": "Gina's", "version": "1", "resolve": "mine"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    wrapper = f'id="entry-{item.pk}-decisions"'
    assert body.count(wrapper) == 1
    assert f'hx-target="#entry-{item.pk}-decisions"' in body
    assert "Mo&#x27;s second" in body and "Gina&#x27;s" in body
    # An ordinary autosave conflict goes into the status region and must not nest a second wrapper.
    autosave = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/decisions/", {"text": "Gina's", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    assert wrapper not in autosave.content.decode()


def test_the_pdf_actions_table_lists_every_family_and_writes_due_dates_in_words(
    north_group: SupervisionGroup, north_family: Family, gina: User, alice: User, mo: User
) -> None:
    from tests import factories
    from tests.supervision import factories as gcs

    session = held_session(north_group, north_family, alice)
    quiet = factories.make_family(team=north_group.team, practitioner=alice)
    gcs.add_item(session, quiet, alice)
    due = timezone.localdate() + dt.timedelta(days=100)
    services.add_action(
        item=session.items.get(family=north_family), description="Visit", owner=alice, due_on=due, by=gina
    )
    minute_and_submit(session, by=gina, present=[alice, mo, gina])
    version = services.approve_minutes(session=session, by=mo)
    render_and_circulate_minutes(version.pk)
    version.refresh_from_db()
    whole = " ".join(" ".join(pdf_pages(version.pdf.name)).split())
    assert f"{due.day} {due:%B %Y}" in whole
    assert due.isoformat() not in whole
    assert f"{quiet.case_reference} No actions" in whole


def test_same_day_circulation_is_told_apart_from_a_later_one(held: SupervisionSession) -> None:
    not_yet = held.circulated_same_day
    assert not_yet is None
    evening = timezone.localtime(held.end).replace(hour=22, minute=0)
    held.first_circulated_at = max(evening, held.end)
    that_evening = held.circulated_same_day
    held.first_circulated_at = held.end + dt.timedelta(days=2)
    two_days_later = held.circulated_same_day
    assert (that_evening, two_days_later) == (True, False)
