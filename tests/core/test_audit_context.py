"""The acting user of a request names the audit rows written during it, and no others."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from accounts.models import Team, User
from core import audit
from core.models import AuditEvent
from tests import factories


def test_work_done_after_a_request_is_not_put_down_to_the_user_of_that_request(
    north: Team, alice: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(alice).get("/families/").status_code == 200
    # As a task or the shell would, in the same thread, after the request ended.
    assert audit.current_context() is None
    family = factories.make_family(team=north)
    created = AuditEvent.objects.get(action="create", object_type="families.Family", object_id=str(family.pk))
    assert created.actor is None
