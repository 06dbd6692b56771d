"""The printable agenda and the agenda-pack PDF of a session."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.models import AuditAction
from core.pdf import render_pdf
from supervision import selectors
from supervision.permissions import get_session_for_user


@login_required
@require_GET
def agenda_print(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record_view(request, session, page="agenda_print")
    return render(
        request, "supervision/agenda_print.html", {"session": session, "group": session.group, "agenda": agenda}
    )


@login_required
@require_GET
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda pack as a PDF, by case reference only: the file may be printed or passed on.

    Rendered in the request (a few pages, well under a second) because the
    agenda changes until the meeting and a coordinator prints it on the day.
    """
    session = get_session_for_user(request.user, pk)
    with transaction.atomic():
        agenda = selectors.agenda_rows(session=session, user=request.user)
        audit.record(action=AuditAction.DOWNLOAD, obj=session, request=request, detail={"document": "agenda_pack"})
    local = timezone.localtime(session.start)
    pdf = render_pdf(
        template="supervision/pdf/agenda.html",
        context={"session": session, "group": session.group, "agenda": agenda, "printed_at": timezone.now()},
        title=f"Agenda: {session.group.name}, {local:%-d %B %Y}",
        running_header=f"{settings.COUNCIL_NAME} · {session.group.name} · {local:%-d %B %Y}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gcs-agenda-{local:%Y-%m-%d}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
