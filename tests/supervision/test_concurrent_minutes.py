"""Two people saving the same section at the same moment on PostgreSQL: one wins, the other sees a conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import MinutesEntry, SupervisionGroup
from tests.supervision.helpers import held_session


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_from_the_same_version_never_both_win(
    north_group: SupervisionGroup, north_family: Family, alice: User, gina: User, mo: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    item = held_session(north_group, north_family, alice).items.get()
    services.save_entry(item=item, section="worries", text="start", base_version=0, by=gina)
    barrier = threading.Barrier(8)
    results: list[tuple[str, bool, bool]] = []
    lock = threading.Lock()

    def save(n: int) -> None:
        try:
            barrier.wait()
            who = gina if n % 2 else mo
            outcome = services.save_entry(item=item, section="worries", text=f"text {n}", base_version=1, by=who)
            with lock:
                results.append((f"text {n}", outcome.saved, outcome.conflict))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [text for text, saved, _ in results if saved]
    assert len(winners) == 1
    assert sum(1 for _, _, conflict in results if conflict) == 7
    entry = MinutesEntry.objects.get(item=item, section="worries")
    assert entry.text == winners[0] and entry.version == 2
