"""Two coordinators accepting proposals for the same volunteer at the same moment, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import User
from families.models import Family
from tests.volunteers.factories import make_request
from tests.volunteers.matching_helpers import approved_volunteer
from volunteers.models import Match
from volunteers.services.matching import propose_match


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_volunteer_with_room_for_one_is_never_proposed_twice_at_once(
    alice: User, vic: User, north_family: Family
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    volunteer = approved_volunteer(locality=north_family.locality, capacity=1)
    requests = [make_request(requested_by=alice, family=north_family) for _ in range(4)]
    barrier = threading.Barrier(len(requests))
    refused: list[str] = []
    lock = threading.Lock()

    def accept(n: int) -> None:
        try:
            barrier.wait()
            propose_match(request=requests[n], volunteer=volunteer, by=vic, note="Board")
        except ValidationError as exc:
            with lock:
                refused.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Match.objects.filter(volunteer=volunteer).count() == 1
    assert len(refused) == 3 and all("hard rule" in r for r in refused)
