"""Papers: uploaded by presenters, checked by content, stored privately, reminded when missing."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.localtime import local_datetime
from core.models import AuditAction
from core.uploads import store_upload, validate_upload
from diary.reminders import compute_due, schedule_reminder, withdraw_reminders
from diary.workdays import add_working_days
from supervision.models import AgendaItem, Paper, SupervisionGroup, SupervisionSession
from supervision.services.common import lock_session, session_email_context


def papers_deadline(group: SupervisionGroup, start: dt.datetime) -> dt.datetime:
    """End of the working day N working days before the session."""
    day = add_working_days(timezone.localtime(start).date(), -group.papers_deadline_working_days)
    hours, minutes = settings.KINFOLK_WORKDAY_END.split(":")
    return local_datetime(day, dt.time(int(hours), int(minutes)))


def papers_reminder_key(item: AgendaItem) -> str:
    return f"gcs:item:{item.pk}:papers-missing"


def schedule_papers_reminders(
    *, session: SupervisionSession, items: Iterable[AgendaItem] | None = None, remind_late: bool = False
) -> int:
    """Remind each presenter without papers one working day before the papers deadline.

    Scheduled per item with a key we can rebuild, so moving the session moves
    the reminder, and uploading a paper withdraws it. With `remind_late` (a
    paper deleted after that moment) the reminder is due at once instead of
    being skipped as late; never after the session has started.
    """
    now = timezone.now()
    if session.start <= now:
        return 0
    due_at = compute_due(anchor_at=session.papers_due_at, offset_working_days=-1)
    if remind_late and due_at < now:
        due_at = now
    count = 0
    chosen = list(items) if items is not None else list(session.items.select_related("presenter", "family"))
    for item in chosen:
        if item.papers.exists():
            continue
        schedule_reminder(
            key=papers_reminder_key(item),
            due_at=due_at,
            recipient_email=item.presenter.email,
            user=item.presenter,
            template="gcs_papers_missing",
            context={
                **session_email_context(session),
                "case_reference": item.family.case_reference,
                "papers_due": f"{timezone.localtime(session.papers_due_at):%A %-d %B, %H:%M}",
            },
            late_policy="skip",
        )
        count += 1
    return count


def refresh_papers_deadline(*, session: SupervisionSession) -> None:
    """Recompute a session's papers deadline from its start and its group's rule.

    The late flag of papers already uploaded and the missing-papers reminders
    follow the new deadline.
    """
    due = papers_deadline(session.group, session.start)
    if due != session.papers_due_at:
        session.papers_due_at = due
        SupervisionSession.objects.filter(pk=session.pk).update(papers_due_at=due)
    papers = Paper.objects.filter(item__session=session)
    papers.filter(uploaded_at__gt=due, late=False).update(late=True)
    papers.filter(uploaded_at__lte=due, late=True).update(late=False)
    schedule_papers_reminders(session=session)


def withdraw_papers_reminders(*, session: SupervisionSession, items: Iterable[AgendaItem] | None = None) -> int:
    chosen = list(items) if items is not None else list(session.items.all())
    return sum(withdraw_reminders(key_prefix=papers_reminder_key(item)) for item in chosen)


def delete_stored_files(names: Iterable[str]) -> None:
    """Delete files once the transaction that forgot them commits (never before: it may roll back)."""
    names = [n for n in names if n]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def upload_paper(*, item: AgendaItem, upload: File[Any], by: User) -> Paper:
    """Scan and validate by content, store privately and record the paper; flag it if late.

    Nothing is stored for a refused file, and a file stored for a paper whose
    row then fails to save is removed again. The file is stored under a
    generated name; the name the presenter gave is kept only as the paper's
    display name, because papers are often named after the family.
    """
    _check_papers_open(item.session)  # fail fast, before anything is stored
    validated = validate_upload(upload, for_obj=item)
    stored = store_upload(upload, validated, directory=f"gcs/papers/{item.session_id}")
    try:
        with transaction.atomic():
            # Checked again on the locked row: the minutes may have been submitted meanwhile.
            session = lock_session(item.session_id)
            _check_papers_open(session)
            paper = Paper(
                item=item,
                name=validated.display_name,
                kind=validated.kind,
                content_type=validated.content_type,
                size=validated.size,
                sha256=validated.sha256,
                uploaded_by=by,
                late=timezone.now() > session.papers_due_at,
            )
            paper.file.name = stored
            paper.full_clean()
            paper.save()
            withdraw_papers_reminders(session=session, items=[item])
            audit.record(
                action=AuditAction.CREATE,
                obj=paper,
                detail={"size": paper.size, "kind": paper.kind, "late": paper.late, "sha256": paper.sha256},
            )
    except Exception:
        default_storage.delete(stored)
        raise
    return paper


def _check_papers_open(session: SupervisionSession) -> None:
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.minutes_status != "draft" or session.versions.exists():
        raise ValidationError("The minutes of this session are written, so its papers are closed.")


def paper_audit_detail(paper: Paper) -> dict[str, Any]:
    """What the audit trail says about a paper: never its file name, which may name a family."""
    return {"paper": paper.pk, "kind": paper.kind, "sha256": paper.sha256}


@transaction.atomic
def delete_paper(*, paper: Paper, by: User) -> None:
    session = lock_session(paper.item.session_id)
    if session.versions.exists() or session.minutes_locked:
        raise ValidationError("The minutes of this session are submitted, so its papers are kept.")
    item = paper.item
    audit.record(action=AuditAction.DELETE, obj=paper, detail=paper_audit_detail(paper))
    delete_stored_files([paper.file.name])
    paper.delete()
    # Left without papers, the presenter is reminded again, at once if the usual moment has passed.
    schedule_papers_reminders(session=session, items=[item], remind_late=True)


class PackTooLarge(ValidationError):
    """The papers of a session add up to more than one download should carry."""


def papers_pack_limit() -> int:
    # 200 MB by default: ten 20 MB papers. Overridable in tests and by deployments.
    return int(getattr(settings, "KINFOLK_PAPERS_PACK_MAX_BYTES", 200 * 1024 * 1024))


def check_papers_pack(papers: Iterable[Paper]) -> None:
    """Refuse a pack above the limit before anything is read: it is built inside the request."""
    total = sum(p.size for p in papers)
    limit = papers_pack_limit()
    if total > limit:
        raise PackTooLarge(
            f"The papers of this session add up to {total / 1024 / 1024:.0f} MB, more than the "
            f"{limit / 1024 / 1024:.0f} MB one download can carry. Download the papers one by one."
        )


def write_papers_pack(*, papers: Iterable[Paper], out: IO[bytes]) -> int:
    """Write the papers into a zip, one folder per agenda item; returns how many.

    Folder names are the running order and case reference, never a family name.
    Papers are already compressed formats, so they are stored, not deflated.
    """
    count = 0
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for paper in papers:
            folder = f"{paper.item.position:02d} {paper.item.family.case_reference}"
            arcname = f"{folder}/{paper.name}"
            stem, _, ext = paper.name.rpartition(".")
            n = 2
            while arcname in seen:
                arcname = f"{folder}/{stem} ({n}).{ext}"
                n += 1
            seen.add(arcname)
            with default_storage.open(paper.file.name, "rb") as source, archive.open(arcname, "w") as target:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    target.write(chunk)
            count += 1
    return count
