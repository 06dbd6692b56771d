"""GCS fixtures: the North group with its people, and a session two weeks ahead.

gina coordinates and takes the minutes, alice (social worker) presents the
north family, mo chairs, sam is the adult mental health worker from a partner
agency (a practitioner outside the North team, so core hides family details
from him).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_q.conf import Conf

from accounts.models import Role, Team, User
from families.models import Family
from supervision.models import Discipline, SupervisionGroup, SupervisionSession
from tests import factories
from tests.supervision import factories as gcs


@pytest.fixture
def sam(db: None) -> User:
    return factories.make_user(
        "sam@example.gov.uk", full_name="Sam Specialist", roles=(Role.PRACTITIONER,), job_title="Adult mental health"
    )


@pytest.fixture
def north_group(north: Team, gina: User, alice: User, mo: User, sam: User) -> SupervisionGroup:
    return gcs.make_group(
        team=north,
        coordinator=gina,
        minute_taker=gina,
        members={alice: Discipline.SOCIAL_WORKER, mo: Discipline.CHAIR, sam: Discipline.ADULT_MENTAL_HEALTH},
    )


@pytest.fixture
def upcoming(north_group: SupervisionGroup) -> SupervisionSession:
    return gcs.make_session(group=north_group)


@pytest.fixture
def upcoming_with_item(upcoming: SupervisionSession, north_family: Family, alice: User) -> SupervisionSession:
    gcs.add_item(upcoming, north_family, alice)
    return upcoming


@pytest.fixture
def tasks_run_inline() -> Iterator[None]:
    """django-q2 runs async_task in the calling process, as a worker would."""
    before = Conf.SYNC
    Conf.SYNC = True
    yield
    Conf.SYNC = before
