"""Demo data for Group Case Supervision: a group with history and an upcoming session.

Called by `manage.py demo` through SupervisionConfig.build_demo, after the people
and families. Idempotent: each part is built only when missing, so `make run` can
call it every time.

- Family Safeguarding Team 1's group: Owen Hughes coordinates and takes the
  minutes, Helen Carter chairs, Priya Shah (social worker) and Grace Mensah
  (domestic abuse) are members.
- Three past sessions, 4, 8 and 12 weeks ago, with attendance, minutes,
  actions, approved versions and their PDFs (rendered here, not by a worker).
- A year of sessions diarised from next week; the first has an agenda of two
  families and papers for one of them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from core.localtime import local_datetime
from diary.workdays import is_working_day, next_working_day
from families.models import Family
from supervision import services
from supervision.models import Discipline, SupervisionGroup, SupervisionSession
from supervision.services.papers import papers_deadline

TEAM = "Family Safeguarding Team 1"
PEOPLE = {
    "gcs@kinfolk.test": None,
    "manager@kinfolk.test": Discipline.CHAIR,
    "practitioner@kinfolk.test": Discipline.SOCIAL_WORKER,
    "dv.worker@kinfolk.test": Discipline.DOMESTIC_ABUSE,
}
MINUTES = {
    "present": "Presenting worker, domestic abuse specialist, chair.",
    "discussion": (
        "The social worker summarised the last month. The domestic abuse specialist updated on the safety plan. "
        "What does this mean for the child? School report a happier, more settled child."
    ),
    "worries": "Missed school on four days; a police call-out three weeks ago.",
    "strengths": "Grandmother collects the children daily; mother engaging with the Freedom Programme.",
    "hypotheses": "Attendance dips follow contact weekends.",
    "decisions": "Continue the child in need plan; review at the next GCS.",
}


def build_demo_gcs() -> SupervisionGroup | None:
    team = Team.objects.filter(name=TEAM).first()
    users = {u.email: u for u in User.objects.filter(email__in=PEOPLE)}
    if team is None or len(users) != len(PEOPLE):
        return None  # the borough is not built yet
    with transaction.atomic():
        group = _group(team, users)
    families = list(Family.objects.open().filter(team=team).order_by("case_reference")[:3])
    if len(families) < 2:
        return group
    presenter = users["practitioner@kinfolk.test"]
    if not SupervisionSession.objects.filter(group=group, versions__isnull=False).exists():
        for weeks in (12, 8, 4):
            _past_session(group, families, presenter, users, weeks_ago=weeks)
    _upcoming(group, families, presenter)
    return group


def _group(team: Team, users: dict[str, User]) -> SupervisionGroup:
    coordinator = users["gcs@kinfolk.test"]
    group = SupervisionGroup.objects.filter(team=team).first()
    if group is None:
        group = services.create_group(
            team=team,
            name=f"GCS – {team.name}",
            coordinator=coordinator,
            minute_taker=coordinator,
            by=coordinator,
            weekday=1,
            start_time=dt.time(9, 30),
            location="Civic Centre, Room 2.14",
            online_url="https://teams.example.gov.uk/gcs-team-1",
        )
    existing = set(group.members.values_list("user__email", flat=True))
    for email, discipline in PEOPLE.items():
        if discipline and email not in existing:
            services.add_member(group=group, user=users[email], discipline=discipline, by=coordinator)
    return group


def _past_session(
    group: SupervisionGroup, families: list[Family], presenter: User, users: dict[str, User], *, weeks_ago: int
) -> None:
    """A session that took place: a historical record, so no invitations are sent for it."""
    day = timezone.localdate() - dt.timedelta(weeks=weeks_ago)
    while not is_working_day(day):
        day = next_working_day(day)
    start = local_datetime(day, group.start_time)
    coordinator, chair = users["gcs@kinfolk.test"], users["manager@kinfolk.test"]
    with transaction.atomic():
        session = SupervisionSession.objects.create(
            group=group,
            start=start,
            end=start + dt.timedelta(minutes=group.duration_minutes),
            location=group.location,
            online_url=group.online_url,
            papers_due_at=papers_deadline(group, start),
            agenda_published_at=start - dt.timedelta(days=5),
        )
        for family in families[:2]:
            item = services.add_item(session=session, family=family, presenter=presenter, by=coordinator)
            for section, text in MINUTES.items():
                services.save_entry(item=item, section=section, text=text, base_version=0, by=coordinator)
            action = services.add_action(
                item=item,
                description="Meet the school's designated safeguarding lead about attendance.",
                owner=presenter,
                due_on=day + dt.timedelta(days=14),
                by=coordinator,
            )
            if weeks_ago > 4:
                services.set_action_done(action=action, done=True, by=presenter)
        statuses = {u.pk: "present" for u in users.values()}
        statuses[users["dv.worker@kinfolk.test"].pk] = "apologies" if weeks_ago == 8 else "present"
        services.record_attendance(session=session, statuses=statuses, by=coordinator)
        services.submit_minutes(session=session, by=coordinator)
        version = services.approve_minutes(session=session, by=chair)
    version = services.render_minutes_pdf(version=version)
    services.circulate_minutes(version=version)
    # Circulated the afternoon of the session, as the evaluation asks.
    SupervisionSession.objects.filter(pk=session.pk).update(
        first_circulated_at=start + dt.timedelta(hours=5), turnaround_working_hours=3
    )


def _upcoming(group: SupervisionGroup, families: list[Family], presenter: User) -> None:
    coordinator = group.coordinator
    if not group.sessions.upcoming().exists():
        first = timezone.localdate() + dt.timedelta(days=7)
        while first.weekday() != group.weekday:
            first += dt.timedelta(days=1)
        services.diarise_series(group=group, first_day=first, by=coordinator)
    session = group.sessions.upcoming().first()
    if session is None or session.items.exists():
        return
    items = [
        services.add_item(session=session, family=family, presenter=presenter, by=coordinator)
        for family in families[:2]
    ]
    services.upload_paper(item=items[0], upload=SimpleUploadedFile("Chronology.docx", _demo_docx()), by=presenter)
    services.publish_agenda(session=session, by=coordinator)


def _demo_docx() -> bytes:
    """A small but real Word document (no macros), built without Word."""
    out = io.BytesIO()
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>Chronology (demo): significant events of the last three months.</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return out.getvalue()
