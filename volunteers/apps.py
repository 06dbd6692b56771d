from __future__ import annotations

from typing import Any

from core.registry import HomePanel, KinfolkApp


class VolunteersConfig(KinfolkApp):
    name = "volunteers"
    verbose_name = "Volunteers"

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role

        panels = []
        if user.has_role(Role.VOLUNTEER_COORDINATOR):
            panels.append(HomePanel("volunteers/includes/_home_coordinator.html", order=60))
        if user.has_role(Role.VOLUNTEER):
            panels.append(HomePanel("volunteers/includes/_home_volunteer.html", order=80))
        return panels
