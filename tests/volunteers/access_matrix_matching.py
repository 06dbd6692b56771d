"""Requests, matching and the matching board as every persona (see tests/access.py).

The world: alice's request for the north family; an approved volunteer proposed for it.
vic runs the scheme; alice (practitioner) and mo (North's manager) may see the family;
bob is in South; the others have no part in requests.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.access import LOGIN, PERSONAS, Entry, Expect
from tests.volunteers.factories import make_request
from tests.volunteers.matching_helpers import approved_volunteer
from volunteers.services.matching import propose_match


def setup(world: SimpleNamespace) -> None:
    world.vr_request = make_request(requested_by=world.alice, family=world.north_family)
    volunteer = approved_volunteer(locality=world.north_family.locality)
    world.vr_match = propose_match(request=world.vr_request, volunteer=volunteer, by=world.vic, note="")


def only(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    return {p: (LOGIN if p == "anonymous" else overrides.get(p, default)) for p in PERSONAS}


def _request(w: Any) -> dict[str, int]:
    return {"pk": w.vr_request.pk}


def _match(w: Any) -> dict[str, int]:
    return {"pk": w.vr_match.pk}


ASKERS = {"alice": 200, "bob": 200, "mo": 200}
SEE_REQUEST = {"alice": 200, "mo": 200, "vic": 200}
CHANGE_REQUEST = {"alice": 302, "mo": 302, "vic": 302}

ENTRIES = [
    Entry("volunteers:request_list", expect=only(404, vic=200, **ASKERS)),
    Entry("volunteers:request_create", expect=only(404, **ASKERS)),
    Entry("volunteers:request_detail", kwargs=_request, expect=only(404, **SEE_REQUEST)),
    Entry("volunteers:request_withdraw_consent", kwargs=_request, method="POST", expect=only(404, **CHANGE_REQUEST)),
    Entry(
        "volunteers:request_close",
        kwargs=_request,
        method="POST",
        data={"reason": "No longer needed"},
        expect=only(404, **CHANGE_REQUEST),
    ),
    Entry("volunteers:shortlist", kwargs=_request, expect=only(404, vic=200)),
    Entry("volunteers:propose", kwargs=_request, method="POST", expect=only(404, vic=302)),
    Entry("volunteers:board", expect=only(404, vic=200)),
    Entry("volunteers:match_why", kwargs=_match, expect=only(404, vic=200)),
    Entry("volunteers:figures_matching", expect=only(404, vic=200)),
]
