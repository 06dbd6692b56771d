"""Papers: uploading, downloading and deleting one, and a session's papers as one zip."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.models import AuditAction
from supervision import forms, services
from supervision.models import Paper
from supervision.permissions import get_item_for_user, get_paper_for_user, get_session_for_user
from supervision.services.papers import check_papers_pack, paper_audit_detail, write_papers_pack
from supervision.views.common import GET_POST, attachment, flash_error


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


@login_required
@require_GET
def paper_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    # The permission check and its audit row in one transaction, as for every read of case data.
    with transaction.atomic():
        paper = get_paper_for_user(request.user, pk)
        audit.record(action=AuditAction.DOWNLOAD, obj=paper, request=request, detail=paper_audit_detail(paper))
    return attachment(default_storage.open(paper.file.name, "rb"), filename=paper.name, content_type=paper.content_type)


@login_required
@require_POST
def paper_delete(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_paper_for_user(request.user, pk, delete=True)
    try:
        services.delete_paper(paper=paper, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"{paper.name} deleted.")
    return redirect(
        reverse("supervision:session_detail", kwargs={"pk": paper.item.session_id}) + f"#item-{paper.item_id}"
    )


@login_required
@require_GET
def papers_pack(request: HttpRequest, pk: int) -> HttpResponseBase:
    session = get_session_for_user(request.user, pk)
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
        flash_error(request, exc)
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
    return attachment(out, filename=f"gcs-papers-{day:%Y-%m-%d}.zip", content_type="application/zip")
