"""The GCS pages' query counts do not grow with sessions, families, papers or actions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team, User
from supervision import services
from supervision.models import Action, SupervisionGroup, SupervisionSession
from tests import factories
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session


def _grow(
    group: SupervisionGroup, session: SupervisionSession, team: Team, alice: User, gina: User, families: int
) -> None:
    """Add families to the agenda, each with a paper, earlier discussions and actions."""
    for _ in range(families):
        family = factories.make_family(team=team, practitioner=alice)
        earlier = held_session(group, family, alice, days_ago=35)
        carried = services.add_action(
            item=earlier.items.get(), description="Earlier", owner=alice, due_on=timezone.localdate(), by=gina
        )
        item = gcs.add_item(session, family, alice)
        # Reviewed in this session's minutes: the review is listed with the carried action.
        services.review_action(action=carried, item=item, done=False, due_on=carried.due_on, owner=gina, by=gina)
        services.upload_paper(item=item, upload=SimpleUploadedFile("p.pdf", minimal_pdf()), by=alice)
        services.save_entry(item=item, section="discussion", text="x", base_version=0, by=gina)
        for n in range(3):
            services.add_action(item=item, description=f"Do {n}", owner=alice, due_on=timezone.localdate(), by=gina)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("clamd")  # uploads papers, which are scanned
def test_gcs_pages_use_the_same_number_of_queries_for_small_and_large_sessions(
    north_group: SupervisionGroup, north: Team, alice: User, gina: User, client_for: Callable[[User], Client]
) -> None:
    session = gcs.make_past_session(group=north_group)
    _grow(north_group, session, north, alice, gina, families=1)
    client = client_for(gina)
    urls = [
        "/gcs/",
        f"/gcs/groups/{north_group.pk}/",
        f"/gcs/groups/{north_group.pk}/actions/",
        f"/gcs/sessions/{session.pk}/",
        f"/gcs/sessions/{session.pk}/minutes/",
        f"/gcs/sessions/{session.pk}/attendance/",
        f"/gcs/sessions/{session.pk}/agenda/add/",
    ]
    # The sizes docs/performance.md quotes: keep the two in step.
    assert (session.items.count(), north_group.sessions.count(), Action.objects.count()) == (1, 2, 4)
    small = {url: _count(client, url) for url in urls}
    _grow(north_group, session, north, alice, gina, families=6)
    for _ in range(5):
        gcs.make_session(group=north_group, day=gcs.working_day_from_today(7 * (_ + 3)))
    assert (session.items.count(), north_group.sessions.count(), Action.objects.count()) == (7, 13, 28)
    large = {url: _count(client, url) for url in urls}
    print("\nGCS page query counts (1 -> 7 families, 2 -> 13 sessions, 4 -> 28 actions):")  # noqa: T201  (the figures for docs/performance.md)
    for url in urls:
        print(f"  {url}: {small[url]} -> {large[url]}")  # noqa: T201
    assert large == small
