"""Diary pages: my meetings and feed, a meeting's answers, response links, outboxes."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import diary, feeds, meetings
from core.diary_permissions import (
    get_kept_email_for_user,
    get_meeting_for_user,
    get_outbox_message_for_user,
    require_development_outbox_access,
    require_outbox_access,
)
from core.models import KeptEmail, Meeting, OutboxMessage, OutboxStatus, User
from core.outbox import retry_dead_messages, retry_message
from core.secrets_in_text import mask_link_secrets

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
            settings.SITE_URL + reverse("core:calendar_feed", kwargs={"token": new_feed_token})
            if new_feed_token
            else None
        ),
    }
    return render(request, "core/diary/home.html", context)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    attendees = list(meeting.attendees.current().select_related("user"))
    answered = sum(1 for a in attendees if a.responded_at)
    return render(
        request,
        "core/diary/meeting_detail.html",
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
    return redirect("core:diary")


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if feeds.revoke_calendar_feed(user=request.user):  # type: ignore[arg-type]
        messages.success(request, "Your calendar subscription link has stopped working.")
    return redirect("core:diary")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription feed. The token is the credential; it signs no one in."""
    feed = feeds.find_feed(token)
    if feed is None:
        raise Http404
    cal = diary.build_feed(feeds.feed_meetings(feed.user), name=f"Kinfolk – {feed.user.get_full_name()}")
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
    link = meetings.read_response_token(token)
    if link is None:
        return render(request, "core/diary/response_invalid.html", status=404)
    meeting = link.attendee.meeting
    context: dict[str, Any] = {
        "link": link,
        "meeting": meeting,
        "answer_label": _label(link.response),
    }
    if link.sequence < meeting.sequence or meeting.is_cancelled or link.attendee.removed_at is not None:
        return render(request, "core/diary/response_outdated.html", context, status=409)
    if request.method == "POST":
        try:
            meetings.record_response(attendee=link.attendee, response=link.response, sequence=link.sequence)
        except ValidationError:
            return render(request, "core/diary/response_outdated.html", context, status=409)
        return render(request, "core/diary/response_done.html", context)
    return render(request, "core/diary/response_confirm.html", context)


def _label(response: str) -> str:
    return {
        "accepted": "Accept",
        "tentative": "Tentatively accept",
        "declined": "Decline",
    }.get(response, response)


# --- Administrators ---------------------------------------------------------------------------


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    require_outbox_access(request.user)
    status = request.GET.get("status", OutboxStatus.DEAD)
    if status not in OutboxStatus.values:
        status = OutboxStatus.DEAD
    rows = OutboxMessage.objects.filter(status=status).defer("text", "html", "calendar")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by())
    statuses = [(value, label, counts.get(value, 0)) for value, label in OutboxStatus.choices]
    return render(
        request,
        "core/diary/outbox_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": statuses,
            "query_without_page": f"status={status}",
        },
    )


@login_required
@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    calendar = diary.summarise(message.calendar) if message.calendar else []
    # The body's links are credentials (invitation, response, password reset):
    # an administrator reading the outbox must not be able to use them.
    return render(
        request,
        "core/diary/outbox_detail.html",
        {"message": message, "text": mask_link_secrets(message.text), "calendar": calendar},
    )


@login_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    try:
        retry_message(message=message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The message will be sent again.")
    return redirect("core:outbox_detail", pk=pk)


@login_required
@require_POST
def outbox_retry_dead(request: HttpRequest) -> HttpResponse:
    """Send every failed message again, e.g. once a long relay outage is over."""
    require_outbox_access(request.user)
    retried = retry_dead_messages()
    if retried:
        messages.success(request, f"{retried} failed message{pluralize(retried)} will be sent again.")
    return redirect(f"{reverse('core:outbox_list')}?status={OutboxStatus.PENDING}")


@login_required
@require_GET
def development_outbox(request: HttpRequest) -> HttpResponse:
    require_development_outbox_access(request.user)
    page = Paginator(KeptEmail.objects.defer("raw"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/diary/development_outbox.html",
        {"page_obj": page, "query_without_page": ""},
    )


@login_required
@require_GET
def development_outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_kept_email_for_user(request.user, pk)
    parsed = email.message_from_string(kept.raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)  # policy.default always builds EmailMessage
    text_part = parsed.get_body(preferencelist=("plain",))
    calendars = []
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            ics = part.get_content()
            calendars.append(
                {
                    "content_type": part["Content-Type"],
                    "ics": ics,
                    "events": diary.summarise(ics),
                }
            )
    structure = [
        ("  " * depth) + part.get_content_type() + (f" ({part.get_filename()})" if part.get_filename() else "")
        for depth, part in _walk_with_depth(parsed)
    ]
    return render(
        request,
        "core/diary/development_outbox_detail.html",
        {
            "kept": kept,
            "text": text_part.get_content() if text_part is not None else "",
            "calendars": calendars,
            "structure": structure,
        },
    )


def _walk_with_depth(part: Any, depth: int = 0) -> list[tuple[int, Any]]:
    found = [(depth, part)]
    if part.is_multipart():
        for child in part.iter_parts():
            found += _walk_with_depth(child, depth + 1)
    return found
