"""The administrator's outbox pages, and the development outbox of demo mode."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.ical import summarise
from core.pagination import LIST_PAGE_SIZE
from core.secrets_in_text import mask_link_secrets
from outbox.models import KeptEmail, OutboxMessage, OutboxStatus
from outbox.permissions import (
    development_outbox_exists,
    get_kept_email_for_user,
    get_outbox_message_for_user,
    require_development_outbox_access,
    require_outbox_access,
)
from outbox.services import retry_dead_messages, retry_message

# A tab counts its messages up to this many, then says "1,000+": each count stops there,
# reading at most that many entries of the status index, however large the outbox grows.
COUNT_LIMIT = 1000


def _count_up_to(status: str) -> str:
    n = OutboxMessage.objects.filter(status=status).order_by()[: COUNT_LIMIT + 1].count()
    return f"{COUNT_LIMIT:,}+" if n > COUNT_LIMIT else f"{n:,}"


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    require_outbox_access(request.user)
    status = request.GET.get("status", OutboxStatus.DEAD)
    if status not in OutboxStatus.values:
        status = OutboxStatus.DEAD
    # The newest COUNT_LIMIT of a status are listed, so the page's own count is bounded too.
    rows = OutboxMessage.objects.filter(status=status).defer("text", "html", "calendar")[:COUNT_LIMIT]
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = [(value, label, _count_up_to(value)) for value, label in OutboxStatus.choices]
    return render(
        request,
        "outbox/outbox_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": statuses,
            "query_without_page": f"status={status}",
            "development_outbox": development_outbox_exists(),
        },
    )


@login_required
@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_outbox_message_for_user(request.user, pk)
    calendar = summarise(message.calendar) if message.calendar else []
    # The body's links are credentials (invitation, response, password reset):
    # an administrator reading the outbox must not be able to use them.
    return render(
        request,
        "outbox/outbox_detail.html",
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
    return redirect("outbox:outbox_detail", pk=pk)


@login_required
@require_POST
def outbox_retry_dead(request: HttpRequest) -> HttpResponse:
    """Send every failed message again, e.g. once a long relay outage is over."""
    require_outbox_access(request.user)
    retried = retry_dead_messages()
    if retried:
        messages.success(request, f"{retried} failed message{pluralize(retried)} will be sent again.")
    return redirect(f"{reverse('outbox:outbox_list')}?status={OutboxStatus.PENDING}")


@login_required
@require_GET
def development_outbox(request: HttpRequest) -> HttpResponse:
    require_development_outbox_access(request.user)
    page = Paginator(KeptEmail.objects.defer("raw"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "outbox/development_outbox.html",
        {"page_obj": page, "query_without_page": ""},
    )


@login_required
@require_GET
def development_outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_kept_email_for_user(request.user, pk)
    # Parsed as the bytes that would have gone to the relay: from a str, the email
    # package decodes an 8-bit UTF-8 part as raw-unicode-escape and shows "–" as "\u2013".
    parsed = email.message_from_bytes(kept.raw.encode("utf-8", "surrogateescape"), policy=email.policy.default)
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
                    "events": summarise(ics),
                }
            )
    structure = [
        ("  " * depth) + part.get_content_type() + (f" ({part.get_filename()})" if part.get_filename() else "")
        for depth, part in _walk_with_depth(parsed)
    ]
    return render(
        request,
        "outbox/development_outbox_detail.html",
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
