"""Personal calendar subscription feeds: a secret URL per user, revocable and regenerable."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import User, hash_token
from core import audit
from core.models import AuditAction
from diary.models import CalendarFeed, Meeting

FEED_HISTORY = dt.timedelta(days=30)


@transaction.atomic
def create_calendar_feed(*, user: User) -> str:
    """A new secret feed token for the user, replacing any live one. Returns the raw token (shown once)."""
    revoke_calendar_feed(user=user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    audit.record(action=AuditAction.CREATE, obj=feed)
    return token


@transaction.atomic
def revoke_calendar_feed(*, user: User) -> int:
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit.record(
            action=AuditAction.UPDATE,
            object_type="diary.CalendarFeed",
            object_id=str(user.pk),
            detail={"revoked": revoked},
        )
    return revoked


def find_feed(token: str) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is not None and (feed.last_used_at is None or timezone.now() - feed.last_used_at > dt.timedelta(hours=1)):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def feed_meetings(user: User) -> list[Meeting]:
    """The user's meetings from 30 days ago on, cancelled ones included so subscribers drop them."""
    return list(
        Meeting.objects.for_user(user)
        .filter(end__gte=timezone.now() - FEED_HISTORY)
        .select_related("team", "organiser")
        .order_by("start")[:500]
    )
