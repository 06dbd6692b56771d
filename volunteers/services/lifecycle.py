"""A match from the coordinator's proposal to its ending.

proposed → offered (the volunteer has a few days to accept or decline in the portal)
→ accepted → confirmed by the practitioner → introduction (a diary meeting) → active
→ reviews → ended. Each step is one service, audited, that refuses a match in the
wrong state. Emails carry the request's reference and a link into Kinfolk, never names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary.models import MeetingKind
from diary.reminders import ReminderRule
from diary.services import AttendeeSpec, schedule_meeting
from outbox.services import enqueue_email
from volunteers.models import EndingReason, Match, MatchState, RequestStatus, Review

# Endings after which the request waits for another volunteer; the others close it.
REMATCH_AFTER = (EndingReason.VOLUNTEER_ENDED, EndingReason.CHECKS_LAPSED, EndingReason.OTHER)


def match_link(match: Match) -> str:
    return settings.SITE_URL + reverse("volunteers:match_detail", kwargs={"pk": match.pk})


def _email(match: Match, *, to: list[str], template: str, key: str, **extra: Any) -> None:
    to = [address for address in to if address]
    if not to:
        return
    enqueue_email(
        to=to,
        template=template,
        context={"reference": match.request.reference, "link": match_link(match), **extra},
        idempotency_key=f"vol:match:{match.pk}:{key}",
    )


def coordinator_addresses(match: Match) -> list[str]:
    """The volunteer's coordinator, else every volunteer coordinator."""
    if match.volunteer.coordinator_id:
        return [match.volunteer.coordinator.email]  # type: ignore[union-attr]
    from accounts.models import Role

    return list(
        User.objects.filter(is_active=True, groups__name=Role.VOLUNTEER_COORDINATOR.value).values_list(
            "email", flat=True
        )
    )


def practitioner_of(match: Match) -> User:
    """Who confirms the match: the family's allocated practitioner or the leaver's adviser, else who asked."""
    request = match.request
    if request.family_id and request.family.allocated_practitioner_id:  # type: ignore[union-attr]
        return request.family.allocated_practitioner  # type: ignore[union-attr,return-value]
    if request.care_leaver_id and request.care_leaver.personal_adviser_id:  # type: ignore[union-attr]
        return request.care_leaver.personal_adviser  # type: ignore[union-attr,return-value]
    return request.requested_by


def _lock(match: Match, *expected: str) -> Match:
    locked = Match.objects.select_for_update().select_related("request", "volunteer").get(pk=match.pk)
    if locked.state not in expected:
        raise ValidationError(f"This match is {locked.get_state_display().lower()}, so that cannot be done now.")
    return locked


def _save(match: Match, *, action: str, **detail: Any) -> Match:
    match.full_clean()
    match.save()
    audit.record(action=AuditAction.UPDATE, obj=match, detail={"step": action, "state": match.state, **detail})
    return match


def _reopen_request(match: Match, *, close_reason: str = "") -> None:
    request = match.request
    if close_reason:
        request.status, request.closed_on, request.close_reason = (
            RequestStatus.CLOSED,
            timezone.localdate(),
            close_reason[:200],
        )
    else:
        request.status, request.closed_on, request.close_reason = RequestStatus.OPEN, None, ""
    request.full_clean()
    request.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])


@transaction.atomic
def offer_match(*, match: Match, by: User, days: int | None = None) -> Match:
    """Offer a proposed match to the volunteer, who has `days` (KINFOLK_VOLUNTEER_OFFER_DAYS) to answer."""
    match = _lock(match, MatchState.PROPOSED)
    now = timezone.now()
    match.state = MatchState.OFFERED
    match.offered_at = now
    match.offer_expires_at = now + dt.timedelta(days=days or settings.KINFOLK_VOLUNTEER_OFFER_DAYS)
    _save(match, action="offered")
    _email(
        match,
        to=[match.volunteer.email],
        template="volunteer_offer",
        key="offer",
        name=match.volunteer.first_name,
        expires=f"{timezone.localtime(match.offer_expires_at):%A %-d %B, %H:%M}",
    )
    return match


@transaction.atomic
def accept_offer(*, match: Match, by: User) -> Match:
    match = _lock(match, MatchState.OFFERED)
    if match.offer_expires_at and match.offer_expires_at <= timezone.now():
        raise ValidationError("This offer has expired. Your coordinator has been told.")
    match.state = MatchState.ACCEPTED
    match.accepted_at = timezone.now()
    _save(match, action="accepted")
    practitioner = practitioner_of(match)
    _email(
        match,
        to=[practitioner.email],
        template="volunteer_match_accepted",
        key="accepted",
        name=practitioner.get_full_name(),
    )
    return match


@transaction.atomic
def decline_offer(*, match: Match, reason: str, by: User) -> Match:
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are declining, so your coordinator can find a better match."})
    match = _lock(match, MatchState.OFFERED)
    match.state = MatchState.DECLINED
    match.declined_reason = reason.strip()[:200]
    _save(match, action="declined")
    _reopen_request(match)
    _email(match, to=coordinator_addresses(match), template="volunteer_offer_declined", key="declined")
    return match


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Expire offers past their time limit; safe to run twice (each match is claimed by a conditional update)."""
    now = now or timezone.now()
    expired = 0
    ids = list(Match.objects.filter(state=MatchState.OFFERED, offer_expires_at__lte=now).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            if not Match.objects.filter(pk=pk, state=MatchState.OFFERED).update(state=MatchState.EXPIRED):
                continue  # another run took it
            match = Match.objects.select_related("request", "volunteer").get(pk=pk)
            audit.record(action=AuditAction.UPDATE, obj=match, detail={"step": "expired", "state": match.state})
            _reopen_request(match)
            _email(match, to=coordinator_addresses(match), template="volunteer_offer_expired", key="expired")
            expired += 1
    return expired


@transaction.atomic
def withdraw_match(*, match: Match, by: User) -> Match:
    """The coordinator withdraws a proposal or an offer that has not started."""
    match = _lock(match, MatchState.PROPOSED, MatchState.OFFERED, MatchState.ACCEPTED)
    match.state = MatchState.WITHDRAWN
    _save(match, action="withdrawn")
    _reopen_request(match)
    return match


@transaction.atomic
def confirm_match(*, match: Match, by: User) -> Match:
    """The practitioner agrees to the volunteer the family's or young person's request was matched with."""
    match = _lock(match, MatchState.ACCEPTED)
    match.state = MatchState.CONFIRMED
    match.confirmed_at = timezone.now()
    _save(match, action="confirmed")
    request = match.request
    request.status = RequestStatus.MATCHED
    request.save(update_fields=["status", "updated_at"])
    _email(match, to=coordinator_addresses(match), template="volunteer_match_confirmed", key="confirmed")
    return match


@transaction.atomic
def arrange_introduction(*, match: Match, start: dt.datetime, end: dt.datetime, location: str, by: User) -> Match:
    """Diarise the introduction meeting: the volunteer, the practitioner and the coordinator are invited.

    The invite names the request's reference only.
    """
    match = _lock(match, MatchState.CONFIRMED)
    practitioner = practitioner_of(match)
    attendees = [AttendeeSpec(email=match.volunteer.email, name=match.volunteer.first_name)]
    for user in (practitioner, by):
        if all(spec.address != user.email.lower() for spec in attendees):
            attendees.append(AttendeeSpec(user=user))
    meeting = schedule_meeting(
        kind=MeetingKind.INTRODUCTION,
        title=f"Volunteer introduction – {match.request.reference}",
        organiser=by,
        start=start,
        end=end,
        location=location,
        link_path=reverse("volunteers:match_detail", kwargs={"pk": match.pk}),
        case_references=match.request.reference,
        attendees=attendees,
        reminder_rules=[ReminderRule("day-before", "start", offset_working_days=-1)],
        description="An introduction meeting for a volunteer match. Open Kinfolk for the details.",
    )
    match.state = MatchState.INTRODUCED
    match.introduction = meeting
    return _save(match, action="introduction", meeting=meeting.pk)


def review_plan(role: str) -> tuple[int, int]:
    """(weeks to the first review, months between the later ones) for a role."""
    plan = settings.KINFOLK_VOLUNTEER_REVIEWS_BY_ROLE.get(role)
    if plan and len(plan) == 2:
        return plan[0], plan[1]
    return settings.KINFOLK_VOLUNTEER_FIRST_REVIEW_WEEKS, settings.KINFOLK_VOLUNTEER_REVIEW_MONTHS


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def start_match(*, match: Match, started_on: dt.date, by: User) -> Match:
    """The introduction happened: the match is active and its first review is due."""
    match = _lock(match, MatchState.INTRODUCED, MatchState.CONFIRMED)
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The start date must be today or in the past."})
    weeks, _months = review_plan(match.request.role)
    match.state = MatchState.ACTIVE
    match.started_on = started_on
    match.next_review_on = started_on + dt.timedelta(weeks=weeks)
    Review.objects.create(match=match, due_on=match.next_review_on)
    return _save(match, action="started")


@transaction.atomic
def record_review(*, match: Match, held_on: dt.date, going_well: bool, notes: str, by: User) -> Review:
    """Record the review that is due and set the next one."""
    match = _lock(match, MatchState.ACTIVE)
    review = match.reviews.filter(held_on__isnull=True).order_by("due_on").first()
    if review is None:
        review = Review(match=match, due_on=held_on)
    review.held_on, review.held_by, review.going_well, review.notes = held_on, by, going_well, notes.strip()
    review.full_clean()
    review.save()
    _weeks, months = review_plan(match.request.role)
    match.next_review_on = add_months(max(review.due_on, held_on), months)
    Review.objects.get_or_create(match=match, due_on=match.next_review_on)
    _save(match, action="reviewed", review=review.pk)
    return review


@transaction.atomic
def end_match(
    *,
    match: Match,
    reason: str,
    goals_met: bool,
    planned: bool,
    ended_on: dt.date,
    by: User,
    note: str = "",
    final_contact_on: dt.date | None = None,
) -> Match:
    """End a match. The volunteer sees nothing more of the family from this moment.

    A planned ending has a final contact. An ending the volunteer did not plan for
    (planned=False) starts the buffer in which matching offers them nothing new.
    """
    match = _lock(match, MatchState.CONFIRMED, MatchState.INTRODUCED, MatchState.ACTIVE)
    if reason not in EndingReason.values:
        raise ValidationError({"ending_reason": "Choose why the match ended."})
    if planned and final_contact_on is None:
        raise ValidationError({"final_contact_on": "A planned ending has a final contact: give its date."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The end date must be today or in the past."})
    match.state = MatchState.ENDED
    match.ending_reason = reason
    match.goals_met = goals_met
    match.planned_ending = planned
    match.ended_on = ended_on
    match.ending_note = note.strip()
    match.final_contact_on = final_contact_on if planned else None
    match.ended_by = by
    match.next_review_on = None
    _save(match, action="ended", reason=reason, planned=planned, goals_met=goals_met)
    if reason in REMATCH_AFTER:
        _reopen_request(match)
    else:
        _reopen_request(match, close_reason=f"Match ended: {EndingReason(reason).label}")
    return match
