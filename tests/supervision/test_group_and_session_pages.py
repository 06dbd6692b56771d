"""The group page and the session page: what they list and link."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import SupervisionGroup
from tests.supervision import factories as gcs
from tests.supervision.helpers import held_session, minute_and_submit


def test_the_group_page_lists_every_upcoming_session(
    north_group: SupervisionGroup, gina: User, client_for: Callable[[User], Client]
) -> None:
    sessions = [gcs.make_session(group=north_group, day=gcs.working_day_from_today(7 * n)) for n in range(1, 17)]
    body = client_for(gina).get(f"/gcs/groups/{north_group.pk}/").content.decode()
    for session in sessions:
        assert f'href="/gcs/sessions/{session.pk}/"' in body


def test_a_version_whose_pdf_is_not_made_yet_is_not_linked(
    north_group: SupervisionGroup,
    north_family: Family,
    alice: User,
    mo: User,
    gina: User,
    client_for: Callable[[User], Client],
) -> None:
    session = held_session(north_group, north_family, alice)
    minute_and_submit(session, by=gina, present=[alice, mo, gina])
    version = services.approve_minutes(session=session, by=mo)  # the render task has not run
    body = client_for(gina).get(f"/gcs/sessions/{session.pk}/").content.decode()
    assert f"/gcs/minutes/{version.pk}/pdf/" not in body
    assert "the PDF is being prepared" in body
    services.render_minutes_pdf(version=version)
    body = client_for(gina).get(f"/gcs/sessions/{session.pk}/").content.decode()
    assert f"/gcs/minutes/{version.pk}/pdf/" in body
