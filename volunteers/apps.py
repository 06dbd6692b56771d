from __future__ import annotations

import datetime as dt
from typing import Any

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class VolunteersConfig(KinfolkApp):
    name = "volunteers"
    verbose_name = "Volunteers"

    def navigation(self, user: Any) -> list[NavItem]:
        from django.urls import reverse

        from volunteers.permissions import runs_scheme, volunteer_of

        items = []
        if runs_scheme(user):
            items.append(NavItem("Matches", reverse("volunteers:match_list"), order=40))
        elif volunteer_of(user) is not None:
            items.append(NavItem("My volunteering", reverse("volunteers:portal"), order=40))
        return items

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role
        from volunteers.views.matches import lifecycle_panel_context

        panels = []
        if user.has_role(Role.VOLUNTEER_COORDINATOR):
            panels.append(HomePanel("volunteers/includes/_home_coordinator.html", order=60))
        if user.has_role(Role.VOLUNTEER):
            panels.append(HomePanel("volunteers/includes/_home_volunteer.html", order=80))
        context = lifecycle_panel_context(user)
        if context:
            panels.append(HomePanel("volunteers/includes/_home_lifecycle.html", order=55, context=context))
        return panels

    def requires_second_factor(self, user: Any) -> bool:
        # A volunteer who can see anything of a family (an offer or a live match) signs in with a second factor.
        from volunteers.models import Match
        from volunteers.permissions import VOLUNTEER_SEES_STATES

        return Match.objects.filter(volunteer__user=user, state__in=VOLUNTEER_SEES_STATES).exists()

    def schedules(self) -> list[Declared]:
        from django_q.models import Schedule

        return [
            # Offers the volunteer has not answered in time expire, and the coordinator is told.
            Declared(
                "kinfolk.volunteers.expire_offers", "volunteers.tasks.expire_offers", Schedule.MINUTES, minutes=30
            ),
            # Nudge volunteers after 14 days without a contact, alert coordinators after 30; once per gap.
            Declared(
                "kinfolk.volunteers.contact_gaps",
                "volunteers.tasks.nudge_contact_gaps",
                Schedule.DAILY,
                at=dt.time(8, 0),
            ),
        ]

    def build_demo(self) -> list[str]:
        from volunteers.demo import lifecycle

        return lifecycle.build()
