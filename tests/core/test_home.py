"""The home page: put together from every app's panels, each showing only what the user may see."""

from __future__ import annotations

from typing import Any

import pytest


def home_panel(response: Any, template: str) -> dict[str, Any]:
    [panel] = [panel for panel in response.context["panels"] if panel.template == template]
    context: dict[str, Any] = panel.context
    return context


@pytest.mark.parametrize(("persona", "sees"), [("alice", True), ("mo", True), ("bob", False)])
def test_the_home_page_counts_what_each_role_may_see(client_for, request, north_family, persona, sees) -> None:
    response = client_for(request.getfixturevalue(persona)).get("/")
    assert home_panel(response, "families/includes/_home_panel.html")["open_families"] == (1 if sees else 0)


def test_the_home_page_lists_the_users_next_meetings_and_not_other_peoples(client_for, alice, bob) -> None:
    import datetime as dt

    from django.utils import timezone

    from diary.models import MeetingKind
    from diary.services import AttendeeSpec, schedule_meeting

    start = timezone.now() + dt.timedelta(days=3)
    mine = schedule_meeting(
        kind=MeetingKind.GCS_SESSION,
        title="Group Case Supervision – North",
        organiser=bob,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/diary/",
        attendees=[AttendeeSpec(user=alice)],
    )
    schedule_meeting(
        kind=MeetingKind.FGC,
        title="Family Group Conference – South",
        organiser=bob,
        start=start,
        end=start + dt.timedelta(hours=2),
        link_path="/diary/",
    )
    response = client_for(alice).get("/")
    assert home_panel(response, "diary/includes/_home_panel.html")["next_meetings"] == [mine]
    # Titles as the page shows them (the navigation names "Family Group Conferences" too).
    assert "Group Case Supervision – North" in response.content.decode()
    assert "Family Group Conference – South" not in response.content.decode()
