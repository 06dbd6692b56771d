"""Every GCS URL as every persona (see tests/access.py).

The world: the North group, coordinated and minuted by gina, with alice
(social worker, presenting the north family) and mo (chair, North's manager).
bob is in South; the others have no part in GCS.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from supervision import services
from supervision.models import Discipline, MembershipChange, MinutesVersion
from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision import factories as gcs


def setup(world: SimpleNamespace) -> None:
    group = gcs.make_group(
        team=world.north,
        coordinator=world.gina,
        minute_taker=world.gina,
        members={world.alice: Discipline.SOCIAL_WORKER, world.mo: Discipline.CHAIR},
    )
    session = gcs.make_session(group=group)
    item = gcs.add_item(session, world.north_family, world.alice)
    # The matrix tries permissions, on every machine: this paper is not scanned (uploads are,
    # against a real clamd, in tests/supervision/test_uploading_papers.py).
    with override_settings(KINFOLK_MALWARE_SCAN=False):
        paper = services.upload_paper(
            item=item, upload=SimpleUploadedFile("report.pdf", minimal_pdf(), "application/pdf"), by=world.alice
        )
    action = services.add_action(
        item=item, description="Visit", owner=world.alice, due_on=session.start.date(), by=world.gina
    )
    version = MinutesVersion.objects.create(session=session, number=1, approved_by=world.mo, snapshot={})
    version.pdf.save("access-matrix.pdf", ContentFile(minimal_pdf()), save=True)
    world.gcs_group = group
    world.gcs_session = session
    world.gcs_item = item
    world.gcs_paper = paper
    world.gcs_action = action
    world.gcs_version = version
    world.gcs_member = group.members.get(user=world.alice)
    world.gcs_guest = services.invite_guest(
        session=session, name="Nina Nurse", email="nina@school.example", role="School nurse", by=world.gina
    )
    world.gcs_removal = MembershipChange.objects.create(
        group=group, user=world.bob, kind=MembershipChange.Kind.REMOVED, discipline=Discipline.OTHER, by=world.gina
    )


def only(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    """Anonymous must sign in; outsiders get `default` (404: they may not know it exists)."""
    return {p: (LOGIN if p == "anonymous" else overrides.get(p, default)) for p in PERSONAS}


def _group(w: Any) -> dict[str, int]:
    return {"pk": w.gcs_group.pk}


def _session(w: Any) -> dict[str, int]:
    return {"pk": w.gcs_session.pk}


def _item(w: Any) -> dict[str, int]:
    return {"pk": w.gcs_item.pk}


MEMBERS = {"alice": 200, "mo": 200, "gina": 200}
MANAGERS_GET = {"alice": 403, "mo": 200, "gina": 200}
MANAGERS_POST = {"alice": 403, "mo": 302, "gina": 302}
MINUTES_POST = {"alice": 403, "mo": 302, "gina": 302}  # the chair and the minute-taker
CHAIR_POST = {"alice": 403, "mo": 302, "gina": 403}
MINUTES_GET = {"alice": 403, "mo": 200, "gina": 200}

ENTRIES = [
    Entry("supervision:group_list", expect=only(200)),
    Entry("supervision:group_create", expect=only(404, mo=200, gina=200)),
    Entry("supervision:group_detail", kwargs=_group, expect=only(404, **MEMBERS)),
    Entry("supervision:group_edit", kwargs=_group, expect=only(404, **MANAGERS_GET)),
    Entry(
        "supervision:member_add",
        kwargs=_group,
        method="POST",
        data={"discipline": "other"},
        expect=only(404, **MANAGERS_POST),
    ),
    Entry(
        "supervision:member_remove",
        kwargs=lambda w: {"pk": w.gcs_group.pk, "member_pk": w.gcs_member.pk},
        method="POST",
        expect=only(404, **MANAGERS_POST),
    ),
    Entry(
        "supervision:member_remove",
        kwargs=lambda w: {"pk": w.gcs_group.pk, "member_pk": w.gcs_member.pk},
        expect=only(404, **MANAGERS_GET),
    ),
    Entry(
        "supervision:member_restore",
        kwargs=lambda w: {"pk": w.gcs_group.pk, "change_pk": w.gcs_removal.pk},
        method="POST",
        expect=only(404, **MANAGERS_POST),
    ),
    Entry("supervision:calendar_work", kwargs=_group, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:sessions_change", kwargs=_group, expect=only(404, **MANAGERS_GET)),
    Entry(
        "supervision:sessions_change",
        kwargs=_group,
        method="POST",
        data={"action": "cancel", "first_day": "2031-01-01", "reason": "Paused"},
        expect=only(404, **MANAGERS_GET),
    ),
    Entry("supervision:diarise", kwargs=_group, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:action_list", kwargs=_group, expect=only(404, **MEMBERS)),
    Entry("supervision:session_detail", kwargs=_session, expect=only(404, **MEMBERS)),
    Entry("supervision:session_edit", kwargs=_session, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:session_cancel", kwargs=_session, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:agenda_add", kwargs=_session, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:agenda_add_due", kwargs=_session, method="POST", expect=only(404, **MANAGERS_POST)),
    Entry("supervision:agenda_publish", kwargs=_session, method="POST", expect=only(404, **MANAGERS_POST)),
    Entry("supervision:papers_pack", kwargs=_session, expect=only(404, **MEMBERS)),
    Entry(
        "supervision:session_respond",
        kwargs=_session,
        method="POST",
        data={"response": "accepted"},
        expect=only(404, alice=302, mo=302, gina=302),
    ),
    Entry("supervision:attendance", kwargs=_session, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:nudge", kwargs=_session, method="POST", expect=only(404, **MANAGERS_POST)),
    Entry("supervision:guest_invite", kwargs=_session, expect=only(404, **MANAGERS_GET)),
    Entry(
        "supervision:guest_remove",
        kwargs=lambda w: {"pk": w.gcs_session.pk, "guest_pk": w.gcs_guest.pk},
        method="POST",
        expect=only(404, **MANAGERS_POST),
    ),
    Entry("supervision:minutes_updates", kwargs=_session, expect=only(404, **MINUTES_GET)),
    Entry("supervision:minutes", kwargs=_session, expect=only(404, **MEMBERS)),
    Entry("supervision:minutes_submit", kwargs=_session, method="POST", expect=only(404, **MINUTES_POST)),
    Entry(
        "supervision:minutes_return",
        kwargs=_session,
        method="POST",
        data={"comments": "More on the child"},
        expect=only(404, **CHAIR_POST),
    ),
    Entry("supervision:minutes_approve", kwargs=_session, method="POST", expect=only(404, **CHAIR_POST)),
    Entry(
        "supervision:minutes_correct",
        kwargs=_session,
        method="POST",
        data={"reason": "Typo"},
        expect=only(404, **MINUTES_POST),
    ),
    Entry(
        "supervision:item_move",
        kwargs=_item,
        method="POST",
        data={"direction": "up"},
        expect=only(404, **MANAGERS_POST),
    ),
    Entry("supervision:item_remove", kwargs=_item, method="POST", expect=only(404, **MANAGERS_POST)),
    Entry("supervision:item_edit", kwargs=_item, expect=only(404, **MANAGERS_GET)),
    Entry("supervision:item_minutes_save", kwargs=_item, method="POST", expect=only(404, **MINUTES_POST)),
    Entry(
        "supervision:action_review",
        kwargs=lambda w: {"pk": w.gcs_item.pk, "action_pk": w.gcs_action.pk},
        method="POST",
        data={"owner": "0", "due_on": "2030-01-01"},
        expect=only(404, **MINUTES_POST),
    ),
    Entry("supervision:paper_upload", kwargs=_item, expect=only(404, **MEMBERS)),
    Entry(
        "supervision:entry_save",
        kwargs=lambda w: {"pk": w.gcs_item.pk, "section": "discussion"},
        method="POST",
        data={"text": "Notes", "version": "0"},
        expect=only(404, **MINUTES_POST),
    ),
    Entry(
        "supervision:action_add",
        kwargs=_item,
        method="POST",
        data={"description": "Call school"},
        expect=only(404, **MINUTES_POST),
    ),
    Entry("supervision:paper_download", kwargs=lambda w: {"pk": w.gcs_paper.pk}, expect=only(404, **MEMBERS)),
    Entry(
        "supervision:paper_delete",
        kwargs=lambda w: {"pk": w.gcs_paper.pk},
        method="POST",
        expect=only(404, alice=302, mo=302, gina=302),
    ),
    Entry("supervision:my_actions", expect=only(404, alice=200, mo=200, gina=200, bob=200)),
    Entry(
        "supervision:action_status",
        kwargs=lambda w: {"pk": w.gcs_action.pk},
        method="POST",
        data={"done": "on"},
        expect=only(404, alice=302, mo=302, gina=302),
    ),
    Entry("supervision:action_edit", kwargs=lambda w: {"pk": w.gcs_action.pk}, expect=only(404, **MINUTES_GET)),
    Entry(
        "supervision:action_delete",
        kwargs=lambda w: {"pk": w.gcs_action.pk},
        method="POST",
        expect=only(404, **MINUTES_POST),
    ),
    Entry("supervision:version_pdf", kwargs=lambda w: {"pk": w.gcs_version.pk}, expect=only(404, **MEMBERS)),
]
