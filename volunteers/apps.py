from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import HomePanel, KinfolkApp, NavItem


class VolunteersConfig(KinfolkApp):
    name = "volunteers"
    verbose_name = "Volunteers"

    def navigation(self, user: Any) -> list[NavItem]:
        from volunteers.permissions import makes_requests, runs_scheme

        items = []
        if runs_scheme(user):
            items.append(NavItem("Matching board", reverse("volunteers:board"), order=31))
        if runs_scheme(user) or makes_requests(user):
            items.append(NavItem("Volunteer requests", reverse("volunteers:request_list"), order=32))
        return items

    def build_demo(self) -> list[str]:
        from volunteers.demo import matching

        return matching.build()

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role

        panels = []
        if user.has_role(Role.VOLUNTEER_COORDINATOR):
            from volunteers.matching.eligibility import requests_awaiting_match

            panels.append(HomePanel("volunteers/includes/_home_coordinator.html", order=60))
            panels.append(
                HomePanel(
                    "volunteers/includes/_home_matching.html",
                    order=61,
                    context={"awaiting_match": requests_awaiting_match().count()},
                )
            )
        if user.has_role(Role.VOLUNTEER):
            panels.append(HomePanel("volunteers/includes/_home_volunteer.html", order=80))
        return panels
