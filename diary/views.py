"""Diary pages: my meetings and feed, a meeting's answers, response links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from diary import calendar, feeds, ical, responses
from diary.models import Meeting
from diary.permissions import get_meeting_for_user

NEW_FEED_SESSION_KEY = "kf_new_calendar_feed"


@login_required
@require_GET
def diary_home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    upcoming = Meeting.objects.for_user(user).upcoming().select_related("team")[:100]
    new_feed_token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    context = {
        "meetings": upcoming,
        "has_feed": user.calendar_feeds.filter(revoked_at__isnull=True).exists(),
        "new_feed_url": (
            settings.SITE_URL + reverse("diary:calendar_feed", kwargs={"token": new_feed_token})
            if new_feed_token
            else None
        ),
    }
    return render(request, "diary/home.html", context)


@login_required
@require_GET
def diary_week(request: HttpRequest) -> HttpResponse:
    day = calendar.parse_day(request.GET.get("date"))
    days = calendar.week(request.user, day)  # type: ignore[arg-type]
    context = {
        "days": days,
        "previous": days[0].date - dt.timedelta(days=7),
        "next": days[0].date + dt.timedelta(days=7),
        "today": timezone.localdate(),
    }
    return render(request, "diary/week.html", context)


@login_required
@require_GET
def diary_month(request: HttpRequest) -> HttpResponse:
    day = calendar.parse_day(request.GET.get("date")).replace(day=1)
    context = {
        "month": day,
        "weeks": calendar.month(request.user, day),  # type: ignore[arg-type]
        "previous": calendar.previous_month(day),
        "next": calendar.next_month(day),
        "today": timezone.localdate(),
    }
    return render(request, "diary/month.html", context)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    attendees = list(meeting.attendees.current().select_related("user"))
    answered = sum(1 for a in attendees if a.responded_at)
    return render(
        request,
        "diary/meeting_detail.html",
        {"meeting": meeting, "attendees": attendees, "answered": answered},
    )


@login_required
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    token = feeds.create_calendar_feed(user=request.user)  # type: ignore[arg-type]
    # Only the hash is stored: the address is shown once, on the next page.
    request.session[NEW_FEED_SESSION_KEY] = token
    messages.success(
        request,
        "Your calendar subscription link is ready. Any earlier link has stopped working.",
    )
    return redirect("diary:diary")


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if feeds.revoke_calendar_feed(user=request.user):  # type: ignore[arg-type]
        messages.success(request, "Your calendar subscription link has stopped working.")
    return redirect("diary:diary")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription feed. The token is the credential; it signs no one in."""
    feed = feeds.find_feed(token)
    if feed is None:
        raise Http404
    cal = ical.build_feed(feeds.feed_meetings(feed.user), name=f"Kinfolk – {feed.user.get_full_name()}")
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kinfolk.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def meeting_response(request: HttpRequest, token: str) -> HttpResponse:
    """A signed accept/tentative/decline link. GET asks, POST records.

    Mail scanners open every link in an email, so opening one must not answer.
    The link never signs anyone in.
    """
    link = responses.read_response_token(token)
    if link is None:
        return render(request, "diary/response_invalid.html", status=404)
    meeting = link.attendee.meeting
    user = request.user
    context: dict[str, Any] = {
        "link": link,
        "meeting": meeting,
        "answer_label": _label(link.response),
        # A forwarded email, or a shared computer: the link answers for its attendee, whoever is signed in.
        "someone_else": user.is_authenticated and link.attendee.user_id != user.pk,
    }
    if link.sequence < meeting.sequence or meeting.is_cancelled or link.attendee.removed_at is not None:
        return render(request, "diary/response_outdated.html", context, status=409)
    if request.method == "POST":
        try:
            responses.record_response(attendee=link.attendee, response=link.response, sequence=link.sequence)
        except ValidationError:
            return render(request, "diary/response_outdated.html", context, status=409)
        return render(request, "diary/response_done.html", context)
    return render(request, "diary/response_confirm.html", context)


def _label(response: str) -> str:
    return {
        "accepted": "Accept",
        "tentative": "Tentatively accept",
        "declined": "Decline",
    }.get(response, response)
