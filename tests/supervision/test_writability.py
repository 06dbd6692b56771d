"""Every write to a session's agenda, papers, attendance or actions re-checks the locked session.

Each service is handed objects read before the chair approved (as a view holds
them while the approval commits in another request) and must still refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from families.models import Family
from supervision import services
from supervision.models import Action, AgendaItem, MinutesEntry, SupervisionGroup, SupervisionSession
from tests import factories
from tests.core.uploads_corpus import minimal_pdf
from tests.supervision.helpers import held_session, minute_and_submit

Write = Callable[[SupervisionSession, AgendaItem, User], object]


def _paper(session: SupervisionSession, item: AgendaItem, user: User) -> object:
    paper = item.papers.get()
    paper.item = item  # the stale item, as the permission helper loaded it
    return services.delete_paper(paper=paper, by=user)


def _action(item: AgendaItem) -> Action:
    action = item.actions.get()
    action.item = item
    return action


WRITES: dict[str, Write] = {
    "add_action": lambda s, i, u: services.add_action(
        item=i, description="Late", owner=u, due_on=timezone.localdate() + dt.timedelta(days=7), by=u
    ),
    "update_action": lambda s, i, u: services.update_action(
        action=_action(i),
        description="Changed",
        owner=u,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        by=u,
    ),
    "delete_action": lambda s, i, u: services.delete_action(action=_action(i), by=u),
    "record_attendance": lambda s, i, u: services.record_attendance(session=s, statuses={u.pk: "absent"}, by=u),
    "add_item": lambda s, i, u: services.add_item(
        session=s, family=factories.make_family(team=s.group.team, practitioner=u), presenter=i.presenter, by=u
    ),
    "remove_item": lambda s, i, u: services.remove_item(item=i, by=u),
    "move_item": lambda s, i, u: services.move_item(item=i, direction="up", by=u),
    "upload_paper": lambda s, i, u: services.upload_paper(
        item=i, upload=SimpleUploadedFile("late.pdf", minimal_pdf()), by=u
    ),
    "delete_paper": _paper,
}


@pytest.mark.usefixtures("clamd")  # uploads a paper, which is scanned
@pytest.mark.parametrize("state", ["submitted", "approved"])
@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_each_write_is_refused_once_the_minutes_are_submitted_or_approved_even_from_a_stale_page(
    north_group: SupervisionGroup, north_family: Family, alice: User, mo: User, gina: User, write: str, state: str
) -> None:
    session = held_session(north_group, north_family, alice)
    item = session.items.get()
    services.upload_paper(item=item, upload=SimpleUploadedFile("p.pdf", minimal_pdf()), by=alice)
    services.add_action(item=item, description="Visit", owner=alice, due_on=timezone.localdate(), by=gina)
    # An item with no minutes, which remove_item would otherwise accept.
    spare = services.add_item(
        session=session, family=factories.make_family(team=north_group.team), presenter=alice, by=gina
    )
    stale_session = SupervisionSession.objects.select_related("group__team").get(pk=session.pk)
    stale_items = {i.pk: i for i in AgendaItem.objects.select_related("session__group__team", "family", "presenter")}
    assert stale_session.minutes_status == "draft"
    minute_and_submit(session, by=gina, present=[alice, mo, gina])
    MinutesEntry.objects.filter(item=spare).delete()
    if state == "approved":
        services.approve_minutes(session=session, by=mo)
    target = stale_items[spare.pk] if write == "remove_item" else stale_items[item.pk]
    with pytest.raises(ValidationError):
        WRITES[write](stale_session, target, gina)
