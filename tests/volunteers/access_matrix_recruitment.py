"""Every recruitment URL as every persona (see tests/access.py).

vic coordinates the scheme; everyone else, volunteers included, gets 404 from the
coordinator's pages. The referee's page needs no sign-in: a bad token answers 410.
Administrators (ada) see the retention dry run.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.access import PERSONAS, Entry, Expect, same_for_all
from tests.volunteers.factories import approve_for_role, make_volunteer
from volunteers.models import DbsOutcome, VolunteerRole
from volunteers.services import recruitment, references


def setup(world: SimpleNamespace) -> None:
    volunteer = make_volunteer(first_name="Matrix")
    recruitment.set_roles(volunteer=volunteer, roles=[VolunteerRole.CHILD_AND_FAMILY])
    dbs = recruitment.record_dbs(
        volunteer=volunteer,
        by=world.vic,
        applied_on=recruitment.today(),
        certificate_number="001234567890",
        issued_on=recruitment.today(),
        barred_list_checked=True,
        outcome=DbsOutcome.DISCLOSED,
        update_service=True,
    )
    reference = references.request_reference(
        volunteer=volunteer, by=world.vic, referee_name="Ref", referee_email="ref@example.org", relationship="Boss"
    )
    world.rec_volunteer = volunteer
    world.rec_dbs = dbs
    world.rec_reference = reference
    approve_for_role(make_volunteer(), VolunteerRole.FGC, coordinator=world.vic)


def coordinator_only(ok: Expect = 200) -> dict[str, Expect]:
    return {p: ("login" if p == "anonymous" else ok if p == "vic" else 404) for p in PERSONAS}


def _v(w: Any) -> dict[str, int]:
    return {"pk": w.rec_volunteer.pk}


ENTRIES = [
    Entry("volunteers:volunteer_list", expect=coordinator_only()),
    Entry("volunteers:volunteer_create", expect=coordinator_only()),
    Entry("volunteers:volunteer_detail", kwargs=_v, expect=coordinator_only()),
    Entry("volunteers:volunteer_edit", kwargs=_v, expect=coordinator_only()),
    Entry("volunteers:absence_add", kwargs=_v, expect=coordinator_only()),
    Entry(
        "volunteers:volunteer_pause", kwargs=_v, method="POST", data={"reason": "Busy"}, expect=coordinator_only(302)
    ),
    Entry("volunteers:volunteer_resume", kwargs=_v, method="POST", expect=coordinator_only(302)),
    Entry(
        "volunteers:volunteer_leave", kwargs=_v, method="POST", data={"reason": "Moved"}, expect=coordinator_only(302)
    ),
    Entry("volunteers:declaration_add", kwargs=_v, expect=coordinator_only()),
    Entry("volunteers:conversation_add", kwargs=_v, expect=coordinator_only()),
    Entry("volunteers:conversations_due", expect=coordinator_only()),
    Entry("volunteers:check_record", kwargs=lambda w: {**_v(w), "kind": "interview"}, expect=coordinator_only()),
    Entry("volunteers:dbs_record", kwargs=_v, expect=coordinator_only()),
    Entry("volunteers:dbs_edit", kwargs=lambda w: {**_v(w), "dbs_pk": w.rec_dbs.pk}, expect=coordinator_only()),
    Entry("volunteers:dbs_decide", kwargs=lambda w: {**_v(w), "dbs_pk": w.rec_dbs.pk}, expect=coordinator_only()),
    Entry("volunteers:dbs_status_check", kwargs=lambda w: {**_v(w), "dbs_pk": w.rec_dbs.pk}, expect=coordinator_only()),
    Entry("volunteers:reference_request", kwargs=_v, expect=coordinator_only()),
    Entry(
        "volunteers:reference_review",
        kwargs=lambda w: {**_v(w), "ref_pk": w.rec_reference.pk},
        expect=coordinator_only(),
    ),
    Entry("volunteers:reference_respond", kwargs=lambda w: {"token": "forged"}, expect=same_for_all(410)),
    Entry("volunteers:recruitment_figures", expect=coordinator_only()),
    Entry("volunteers:recruitment_figures_csv", expect=coordinator_only()),
    Entry(
        "volunteers:retention_report",
        expect={p: ("login" if p == "anonymous" else 200 if p == "ada" else 404) for p in PERSONAS},
    ),
]
