"""Group Case Supervision pages.

Every view has the same shape: fetch through a permission helper (404 for
outsiders, 403 for members without the right), validate a form, call one
service, then redirect (POST) or render (GET). Reads of agendas, papers and
minutes are audited in the transaction that reads them.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Team
from core import audit
from core.models import AuditAction
from supervision import forms, selectors, services
from supervision.models import MinutesSection, MinutesStatus, SupervisionGroup
from supervision.permissions import (
    get_action_for_user,
    get_group_for_user,
    get_item_for_user,
    get_paper_for_user,
    get_session_for_user,
    get_version_for_user,
    groups_visible_to,
    rights_for,
)
from supervision.services.papers import check_papers_pack, paper_audit_detail, write_papers_pack
from supervision.services.scheduling import first_usual_day

GET_POST = require_http_methods(["GET", "POST"])


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Groups ------------------------------------------------------------------------------


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        SupervisionGroup.objects.with_list_relations().filter(pk__in=groups_visible_to(request.user)).order_by("name")
    )
    return render(
        request,
        "supervision/group_list.html",
        {"groups": groups, "can_create": request.user.has_perm("supervision.create_group")},
    )


def _teams_for_new_group(user: Any) -> Any:
    """Teams without a group that the user belongs to or manages."""
    from django.db.models import Q

    return Team.objects.filter(supervision_group__isnull=True).filter(
        Q(pk__in=user.teams.values("pk")) | Q(pk__in=user.managed_teams.values("pk"))
    )


@login_required
@GET_POST
def group_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supervision.create_group"):
        raise Http404
    teams = _teams_for_new_group(request.user)
    form = forms.GroupForm(request.POST or None, teams=teams, initial={"coordinator": request.user})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team = data.pop("team")
        try:
            group = services.create_group(team=team, by=request.user, **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{group.name} created. Add its members next.")
            return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/group_form.html", {"form": form, "creating": True})


@login_required
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    rights = rights_for(request.user, group)
    now = timezone.now()
    with transaction.atomic():
        # Every upcoming session (a weekly group has 52 a year), in one query.
        upcoming = list(selectors.session_list(group).filter(end__gte=now))
        past = Paginator(group.sessions.with_counts().filter(end__lt=now).order_by("-start"), 10).get_page(
            request.GET.get("page")
        )
        due_count = len(selectors.families_due(group=group)) if rights.manage else None
        audit.record_view(request, group, page="group")
    context = {
        "group": group,
        "rights": rights,
        "members": selectors.group_members(group),
        "upcoming": upcoming,
        "past": past,
        "member_form": forms.MemberForm(group=group) if rights.manage else None,
        "due_count": due_count,
    }
    return render(request, "supervision/group_detail.html", context)


@login_required
@GET_POST
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        # The form has already copied the data onto `group`; the service compares with the stored row.
        try:
            services.update_group(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Group settings saved.")
            return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/group_form.html", {"form": form, "group": group, "creating": False})


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.MemberForm(request.POST, group=group)
    if form.is_valid():
        try:
            member = services.add_member(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, f"{member.user} added and invited to the future sessions.")
    else:
        messages.error(request, "Choose a person and their discipline.")
    return redirect("supervision:group_detail", pk=group.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    member = group.members.select_related("user").filter(pk=member_pk).first()
    if member is None:
        raise Http404
    removal = services.remove_member(member=member, by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{member.user} removed. Their future sessions have been cancelled in their calendar.")
    if removal.presenting:
        refs = ", ".join(
            f"{item.family.case_reference} ({timezone.localtime(item.session.start):%-d %B})"
            for item in removal.presenting
        )
        messages.warning(
            request,
            f"{member.user} was to present {refs}. Remove each from its agenda and add it again "
            "with another presenting worker.",
        )
    if removal.actions:
        messages.warning(
            request,
            f"{member.user} owns {len(removal.actions)} open action{'s' if len(removal.actions) != 1 else ''}. "
            "Their reminders have been withdrawn: agree a new owner at each family's next discussion.",
        )
    return redirect("supervision:group_detail", pk=group.pk)


@login_required
@GET_POST
def diarise(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, manage=True)
    form = forms.DiariseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.diarise_series(group=group, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{len(result.created)} sessions diarised and invitations sent.")
            first_day = form.cleaned_data["first_day"]
            if first_usual_day(group, first_day) != first_day:
                messages.info(
                    request,
                    f"{first_day:%A %-d %B %Y} is not the group's usual day, so the series starts on "
                    f"{first_usual_day(group, first_day):%A %-d %B %Y}.",
                )
            for planned in result.moved:
                messages.info(request, planned.note)
            if result.already_diarised:
                messages.info(
                    request, f"{len(result.already_diarised)} dates already had a session and were left alone."
                )
            return redirect("supervision:group_detail", pk=group.pk)
    preview = None
    moved_first = ""
    if request.method == "GET" and request.GET.get("first_day"):
        preview_form = forms.DiariseForm(request.GET)
        if preview_form.is_valid():
            form = preview_form
            first_day = preview_form.cleaned_data["first_day"]
            preview = services.plan_series(group=group, first_day=first_day, until=preview_form.cleaned_data["until"])
            usual = first_usual_day(group, first_day)
            if usual != first_day:
                moved_first = (
                    f"{first_day:%A %-d %B %Y} is not the group's usual day, so the series starts on "
                    f"{usual:%A %-d %B %Y}."
                )
    return render(
        request,
        "supervision/diarise.html",
        {"group": group, "form": form, "preview": preview, "moved_first": moved_first},
    )


@login_required
@require_GET
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk)
    form = forms.ActionFilterForm(request.GET or None, group=group)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or "",
            "family_id": data["family"].pk if data["family"] else None,
            "owner_id": data["owner"].pk if data["owner"] else None,
        }
    with transaction.atomic():
        page = Paginator(selectors.actions_for_group(group=group, **filters), 50).get_page(request.GET.get("page"))
        audit.record_view(request, group, page="actions")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/action_list.html",
        {
            "group": group,
            "form": form,
            "page_obj": page,
            "query_without_page": query.urlencode(),
            "today": timezone.localdate(),
            "rights": rights_for(request.user, group),
        },
    )


# --- Sessions and agenda ----------------------------------------------------------------


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    rights = rights_for(request.user, session.group)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record_view(request, session, page="agenda")
    attendance = selectors.attendance_rows(session=session)
    mine = next((row for row in attendance if row.user.pk == request.user.pk), None)
    context = {
        "session": session,
        "group": session.group,
        "rights": rights,
        "agenda": agenda,
        "attendance": attendance,
        "confirmed": sum(1 for row in attendance if row.response == "accepted"),
        "warnings": selectors.attendance_warnings(session=session, rows=attendance, agenda=agenda)
        if rights.manage
        else [],
        "my_response": mine.response if mine else None,
        "respond_form": forms.RespondForm(initial={"response": mine.response if mine else None}),
        "papers_overdue": session.papers_overdue,
        "versions": list(session.versions.all()),
        "is_past": session.end < timezone.now(),
        "user_id": request.user.pk,
    }
    return render(request, "supervision/session_detail.html", context)


@login_required
@GET_POST
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.SessionForm(request.POST or None, initial=forms.SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        start, end = form.start_end()
        data = form.cleaned_data
        try:
            services.move_session(
                session=session,
                by=request.user,  # type: ignore[arg-type]
                start=start,
                end=end,
                location=data["location"],
                online_url=data["online_url"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Session changed. Everyone invited has been sent the update.")
            return redirect("supervision:session_detail", pk=session.pk)
    return render(request, "supervision/session_form.html", {"session": session, "form": form})


@login_required
@GET_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(session=session, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Session cancelled. Everyone invited has been sent the cancellation.")
            return redirect("supervision:group_detail", pk=session.group_id)
    return render(request, "supervision/session_cancel.html", {"session": session, "form": form})


@login_required
@GET_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    form = forms.AgendaItemForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(session=session, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{item.family.case_reference} added to the agenda.")
            return redirect("supervision:session_detail", pk=session.pk)
    with transaction.atomic():
        due = selectors.families_due(group=session.group, session=session)
        audit.record_view(request, session, page="agenda_add", families_due=[d.family.pk for d in due])
    return render(request, "supervision/agenda_add.html", {"session": session, "form": form, "due": due})


@login_required
@require_POST
def agenda_add_due(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        result = services.add_due_families(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("supervision:agenda_add", pk=session.pk)
    messages.success(request, f"{len(result.added)} families due for discussion added to the agenda.")
    if result.without_presenter:
        refs = ", ".join(f.case_reference for f in result.without_presenter)
        messages.info(request, f"Choose a presenting worker for: {refs} (their worker is not in the group).")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@require_POST
def agenda_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        told = services.publish_agenda(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"Agenda published. {told} people have been told.")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, manage=True)
    form = forms.MoveItemForm(request.POST)
    if form.is_valid():
        try:
            services.move_item(item=item, direction=form.cleaned_data["direction"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
    return redirect(reverse("supervision:session_detail", kwargs={"pk": item.session_id}) + f"#item-{item.pk}")


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, manage=True)
    try:
        services.remove_item(item=item, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"{item.family.case_reference} removed from the agenda.")
    return redirect("supervision:session_detail", pk=item.session_id)


# --- Papers ------------------------------------------------------------------------------


@login_required
@GET_POST
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, upload=True)
    form = forms.PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            paper = services.upload_paper(item=item, upload=form.cleaned_data["file"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            late = " It arrived after the papers deadline and is marked late." if paper.late else ""
            messages.success(request, f"{paper.name} uploaded.{late}")
            return redirect(reverse("supervision:session_detail", kwargs={"pk": item.session_id}) + f"#item-{item.pk}")
    if request.method == "GET":
        with transaction.atomic():
            audit.record_view(request, item, page="paper_upload")
    return render(request, "supervision/paper_upload.html", {"item": item, "session": item.session, "form": form})


def _attachment(file: Any, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def paper_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    # The permission check and its audit row in one transaction, as for every read of case data.
    with transaction.atomic():
        paper = get_paper_for_user(request.user, pk)
        audit.record(action=AuditAction.DOWNLOAD, obj=paper, request=request, detail=paper_audit_detail(paper))
    return _attachment(
        default_storage.open(paper.file.name, "rb"), filename=paper.name, content_type=paper.content_type
    )


@login_required
@require_POST
def paper_delete(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, pk, delete=True)
    try:
        services.delete_paper(paper=paper, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"{paper.name} deleted.")
    return redirect(
        reverse("supervision:session_detail", kwargs={"pk": paper.item.session_id}) + f"#item-{paper.item_id}"
    )


@login_required
@require_GET
def papers_pack(request: HttpRequest, pk: int) -> HttpResponseBase:
    session = get_session_for_user(request.user, pk)
    from supervision.models import Paper

    papers = list(
        Paper.objects.filter(item__session=session)
        .select_related("item__family")
        .order_by("item__position", "uploaded_at", "pk")
    )
    if not papers:
        messages.info(request, "There are no papers for this session yet.")
        return redirect("supervision:session_detail", pk=session.pk)
    try:
        check_papers_pack(papers)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("supervision:session_detail", pk=session.pk)
    # Spools to disk past 16 MB: a pack of twenty 20 MB papers must not sit in a worker's memory.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  (FileResponse closes it)
    write_papers_pack(papers=papers, out=out)
    out.seek(0)
    with transaction.atomic():
        audit.record(
            action=AuditAction.DOWNLOAD, obj=session, request=request, detail={"papers": [p.pk for p in papers]}
        )
    day = timezone.localtime(session.start)
    return _attachment(out, filename=f"gcs-papers-{day:%Y-%m-%d}.zip", content_type="application/zip")


# --- Attendance --------------------------------------------------------------------------


@login_required
@require_POST
def session_respond(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = forms.RespondForm(request.POST)
    if form.is_valid():
        try:
            services.respond_in_app(session=session, user=request.user, response=form.cleaned_data["response"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Thank you, your answer has been recorded.")
    else:
        messages.error(request, "Choose whether you can come.")
    return redirect("supervision:session_detail", pk=session.pk)


@login_required
@GET_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    rows = selectors.attendance_rows(session=session)
    people = [(row.user, row.discipline_label, row.attendance) for row in rows]
    form = forms.AttendanceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(session=session, statuses=form.statuses(), by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("supervision:attendance", pk=session.pk)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record_view(request, session, page="attendance")
    return render(
        request,
        "supervision/attendance.html",
        {
            "session": session,
            "rights": rights_for(request.user, session.group),
            "rows": rows,
            "form": form,
            "warnings": selectors.attendance_warnings(session=session, rows=rows, agenda=agenda),
            "can_record": timezone.localtime(session.start).date() <= timezone.localdate(),
            "is_future": session.start > timezone.now(),
        },
    )


@login_required
@require_POST
def nudge(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, manage=True)
    try:
        count = services.nudge_unconfirmed(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        if count:
            messages.success(
                request, f"Reminder sent to {count} {'person' if count == 1 else 'people'} who have not confirmed."
            )
        else:
            messages.info(request, "Nobody was nudged: everyone has answered, or was reminded earlier today.")
    return redirect("supervision:attendance", pk=session.pk)


# --- Minutes -----------------------------------------------------------------------------


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
        "action_form": forms.ActionForm(group=session.group) if editable else None,
        "return_form": forms.ReturnForm(),
        "correction_form": forms.CorrectionForm(),
        "versions": list(session.versions.select_related("approved_by")),
        "present": [r for r in attendance if r.attendance == "present"],
        "apologies": [r for r in attendance if r.attendance == "apologies"],
        "today": timezone.localdate(),
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
        if _is_htmx(request):
            return render(
                request,
                "supervision/includes/_entry_status.html",
                {**context, "error": "Not saved: the text is too long."},
            )
        messages.error(request, "Not saved: the text is too long.")
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
        if _is_htmx(request):
            return render(
                request, "supervision/includes/_entry_status.html", {**context, "error": " ".join(exc.messages)}
            )
        _flash(request, exc)
        return redirect(anchor)
    entry = result.entry
    context.update({"entry": entry, "mine": mine, "saved": result.saved})
    if result.conflict:
        # Either way the page shows the other person's saved text: a read of the minutes.
        with transaction.atomic():
            audit.record_view(request, item.session, page="entry_conflict", item=item.pk, section=section)
        if _is_htmx(request):
            # A conflict met while resolving an earlier one replaces the whole entry (the
            # choice buttons target it), so it must bring the entry's wrapper with it.
            return render(
                request,
                "supervision/includes/_entry_conflict.html",
                {**context, "wrap": bool(request.POST.get("resolve"))},
            )
        return render(request, "supervision/entry_conflict.html", {**context, "session": item.session})
    if not _is_htmx(request):
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
        return render(
            request, "supervision/includes/_entry.html", {"item": item, "section": section_view, "resolved": True}
        )
    return render(request, "supervision/includes/_entry_status.html", context)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, minutes=True)
    form = forms.ActionForm(request.POST, group=item.session.group)
    if form.is_valid():
        try:
            services.add_action(item=item, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, f"Action added for {item.family.case_reference}.")
    else:
        messages.error(request, "Not added: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("supervision:minutes", kwargs={"pk": item.session_id}) + f"#actions-{item.pk}")


@login_required
@GET_POST
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, edit=True)
    session = action.item.session
    back = reverse("supervision:minutes", kwargs={"pk": session.pk}) + f"#actions-{action.item_id}"
    form = forms.ActionForm(
        request.POST or None,
        group=action.group,
        initial={"description": action.description, "owner": action.owner, "due_on": action.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(action=action, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"Action for {action.family.case_reference} changed.")
            return redirect(back)
    if request.method == "GET":
        with transaction.atomic():
            audit.record_view(request, action, page="action_edit")
    return render(
        request, "supervision/action_form.html", {"action": action, "session": session, "form": form, "back": back}
    )


@login_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, edit=True)
    item_id, session_id, ref = action.item_id, action.item.session_id, action.family.case_reference
    try:
        services.delete_action(action=action, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"Action for {ref} deleted.")
    return redirect(reverse("supervision:minutes", kwargs={"pk": session_id}) + f"#actions-{item_id}")


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, change=True)
    form = forms.ActionStatusForm(request.POST)
    form.is_valid()
    services.set_action_done(action=action, done=form.cleaned_data.get("done", False), by=request.user)  # type: ignore[arg-type]
    messages.success(request, "Action marked done." if action.status == "done" else "Action reopened.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/gcs/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("supervision:action_list", pk=action.group_id)


@login_required
@require_POST
def minutes_submit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, minutes=True)
    try:
        services.submit_minutes(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _flash(request, exc)
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
        _flash(request, exc)
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
        _flash(request, exc)
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
        _flash(request, exc)
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
    return _attachment(
        default_storage.open(version.pdf.name, "rb"),
        filename=f"gcs-minutes-{day:%Y-%m-%d}-v{version.number}.pdf",
        content_type="application/pdf",
    )
