"""Minutes: the page, saving an entry, submitting, returning, approving and correcting, and the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.models import AuditAction
from supervision import forms, selectors, services
from supervision.models import MinutesEntry, MinutesSection, MinutesStatus
from supervision.permissions import (
    get_action_for_user,
    get_item_for_user,
    get_session_for_user,
    get_version_for_user,
    rights_for,
)
from supervision.views.common import attachment, flash_error, is_htmx


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    rights = rights_for(request.user, session.group)
    with transaction.atomic():
        rows = selectors.minutes_rows(session=session, user=request.user)
        audit.record_view(request, session, page="minutes")
    editable = rights.minutes and session.minutes_status in {MinutesStatus.DRAFT, MinutesStatus.RETURNED}
    editable = editable and not session.is_cancelled
    attendance = selectors.attendance_rows(session=session)
    context = {
        "session": session,
        "group": session.group,
        "rights": rights,
        "rows": rows,
        "editable": editable,
        "owners": list(forms.gcs_users()) if editable else [],
        "return_form": forms.ReturnForm(),
        "correction_form": forms.CorrectionForm(),
        "versions": list(session.versions.select_related("approved_by")),
        "present": [r for r in attendance if r.attendance == "present"],
        "apologies": [r for r in attendance if r.attendance == "apologies"],
        "guests": selectors.guest_rows(session=session),
        "today": timezone.localdate(),
        # Where the page's poll for others' saves starts (frontend/js/minutes.mjs).
        "now_iso": timezone.now().isoformat(),
    }
    return render(request, "supervision/minutes.html", context)


@login_required
@require_POST
def entry_save(request: HttpRequest, pk: int, section: str) -> HttpResponse:  # noqa: PLR0911  (htmx and plain answers)
    if section not in MinutesSection.values:
        raise Http404
    item = get_item_for_user(request.user, pk, minutes=True)
    form = forms.EntryForm(request.POST)
    anchor = reverse("supervision:minutes", kwargs={"pk": item.session_id}) + f"#entry-{item.pk}-{section}"
    context: dict[str, Any] = {"item": item, "section_key": section, "section_label": MinutesSection(section).label}
    if not form.is_valid():
        if is_htmx(request):
            return _status(
                render(request, "supervision/includes/_entry_status.html", {**context, "error": form.problem()}),
                "error",
            )
        messages.error(request, form.problem())
        return redirect(anchor)
    mine = form.cleaned_data["text"]
    try:
        result = services.save_entry(
            item=item,
            section=section,
            text=mine,
            base_version=form.cleaned_data["version"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        if is_htmx(request):
            return _status(
                render(
                    request, "supervision/includes/_entry_status.html", {**context, "error": " ".join(exc.messages)}
                ),
                "error",
            )
        flash_error(request, exc)
        return redirect(anchor)
    entry = result.entry
    context.update({"entry": entry, "mine": mine, "saved": result.saved})
    if result.conflict:
        # Either way the page shows the other person's saved text: a read of the minutes.
        with transaction.atomic():
            audit.record_view(request, item.session, page="entry_conflict", item=item.pk, section=section)
        if is_htmx(request):
            # A conflict met while resolving an earlier one replaces the whole entry (the
            # choice buttons target it), so it must bring the entry's wrapper with it.
            return _status(
                render(
                    request,
                    "supervision/includes/_entry_conflict.html",
                    {**context, "wrap": bool(request.POST.get("resolve"))},
                ),
                "conflict",
            )
        return render(request, "supervision/entry_conflict.html", {**context, "session": item.session})
    if not is_htmx(request):
        messages.success(request, f"{MinutesSection(section).label} saved.")
        return redirect(anchor)
    if request.POST.get("resolve"):
        section_view = selectors.MinutesSectionView(
            key=section,
            label=MinutesSection(section).label,
            hint="",
            text=entry.text,
            version=entry.version,
        )
        return _status(
            render(
                request, "supervision/includes/_entry.html", {"item": item, "section": section_view, "resolved": True}
            ),
            "saved",
        )
    return _status(render(request, "supervision/includes/_entry_status.html", context), "saved")


def _status(response: HttpResponse, outcome: str) -> HttpResponse:
    """Tell the autosave script (frontend/js/minutes.mjs) what happened, whatever the HTML says."""
    response["X-Kinfolk-Save"] = outcome
    return response


@login_required
@require_POST
def item_minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save all six sections of a family's minutes at once: the one Save button, for when scripts are off.

    With scripts on, each section saves as it is typed (entry_save). A section
    someone else changed meanwhile is not overwritten: the first such conflict
    is shown with both texts; the other sections are saved.
    """
    item = get_item_for_user(request.user, pk, minutes=True)
    anchor = reverse("supervision:minutes", kwargs={"pk": item.session_id}) + f"#item-minutes-{item.pk}"
    forms_by_section = {key: forms.EntryForm(request.POST, prefix=key) for key in MinutesSection.values}
    saved, conflict = 0, None
    for key, form in forms_by_section.items():
        if not form.is_valid():
            messages.error(request, f"{MinutesSection(key).label}: {form.problem()}")
            continue
        try:
            result = services.save_entry(
                item=item,
                section=key,
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["version"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            flash_error(request, exc)
            return redirect(anchor)
        saved += result.saved
        if result.conflict and conflict is None:
            conflict = (key, result.entry, form.cleaned_data["text"])
    if conflict is not None:
        key, entry, mine = conflict
        with transaction.atomic():
            audit.record_view(request, item.session, page="entry_conflict", item=item.pk, section=key)
        context = {"item": item, "section_key": key, "section_label": MinutesSection(key).label}
        return render(
            request,
            "supervision/entry_conflict.html",
            {**context, "entry": entry, "mine": mine, "saved": False, "session": item.session},
        )
    messages.success(request, f"Minutes for {item.family.case_reference} saved." if saved else "No changes to save.")
    return redirect(anchor)


@login_required
@require_GET
def minutes_updates(request: HttpRequest, pk: int) -> JsonResponse:
    """Sections saved since `after` (an ISO time this view gave), for the page to show without typing first.

    Polled by frontend/js/minutes.mjs. A poll that finds nothing new reads no
    minutes, so only an answer carrying text is audited.
    """
    session = get_session_for_user(request.user, pk, minutes=True)
    now = timezone.now()
    try:
        after = dt.datetime.fromisoformat(request.GET.get("after", ""))
    except ValueError:
        after = now
    if timezone.is_naive(after):
        after = now
    with transaction.atomic():
        entries = list(
            MinutesEntry.objects.filter(item__session=session, updated_at__gt=after, updated_at__lte=now)
            .select_related("updated_by")
            .order_by("updated_at")
        )
        if entries:
            audit.record_view(request, session, page="minutes_updates", entries=[e.pk for e in entries])
    return JsonResponse(
        {
            "now": now.isoformat(),
            "entries": [
                {
                    "id": f"{e.item_id}-{e.section}",
                    "version": e.version,
                    "text": e.text,
                    "by": e.updated_by.full_name if e.updated_by else "someone else",
                    "at": f"{timezone.localtime(e.updated_at):%H:%M}",
                }
                for e in entries
            ],
        }
    )


@login_required
@require_POST
def action_review(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Record, in this family's minutes, what the group decided about an earlier action."""
    item = get_item_for_user(request.user, pk, minutes=True)
    action = get_action_for_user(request.user, action_pk)
    form = forms.ActionReviewForm(request.POST)
    anchor = reverse("supervision:minutes", kwargs={"pk": item.session_id}) + f"#carried-{item.pk}"
    if not form.is_valid():
        messages.error(request, "Not recorded: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(anchor)
    try:
        review = services.review_action(action=action, item=item, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"Review recorded in the minutes: {review.outcome}.")
    return redirect(anchor)


@login_required
@require_POST
def minutes_submit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, minutes=True)
    try:
        services.submit_minutes(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Minutes submitted to the chair for approval.")
    return redirect("supervision:minutes", pk=session.pk)


@login_required
@require_POST
def minutes_return(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, approve=True)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter what needs to change.")
        return redirect("supervision:minutes", pk=session.pk)
    try:
        services.return_minutes(session=session, comments=form.cleaned_data["comments"], by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Minutes returned to the minute-taker with your comments.")
    return redirect("supervision:minutes", pk=session.pk)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, approve=True)
    try:
        version = services.approve_minutes(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request, f"Minutes approved (version {version.number}). The PDF is being made and will be circulated."
        )
    return redirect("supervision:minutes", pk=session.pk)


@login_required
@require_POST
def minutes_correct(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    rights = rights_for(request.user, session.group)
    if not (rights.minutes or rights.approve):
        raise PermissionDenied
    form = forms.CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter why the minutes need correcting.")
        return redirect("supervision:minutes", pk=session.pk)
    try:
        services.start_correction(session=session, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "The minutes are open for correction. Approved versions are kept.")
    return redirect("supervision:minutes", pk=session.pk)


@login_required
@require_GET
def version_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    with transaction.atomic():
        version = get_version_for_user(request.user, pk)
        if not version.pdf:
            raise Http404("The PDF is still being made.")
        audit.record(action=AuditAction.DOWNLOAD, obj=version, request=request, detail={"pdf": version.number})
    day = timezone.localtime(version.session.start)
    return attachment(
        default_storage.open(version.pdf.name, "rb"),
        filename=f"gcs-minutes-{day:%Y-%m-%d}-v{version.number}.pdf",
        content_type="application/pdf",
    )
