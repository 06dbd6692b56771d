from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class VolunteersConfig(KinfolkApp):
    name = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        from volunteers import permissions, signals  # noqa: F401  (registers the volunteers.* rules)

        signals.connect()
        signals.audit_recruitment_records()

    def navigation(self, user: Any) -> list[NavItem]:
        from volunteers.permissions import runs_scheme

        if not runs_scheme(user):
            return []
        return [NavItem("Volunteers", reverse("volunteers:volunteer_list"), order=50)]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role

        panels = []
        if user.has_role(Role.VOLUNTEER_COORDINATOR):
            panels.append(HomePanel("volunteers/includes/_home_coordinator.html", order=60))
            # Recruitment: applicants waiting on a coordinator, supervision due.
            from volunteers.selectors.recruitment import home_counts
            from volunteers.services.recruitment import today

            panels.append(
                HomePanel("volunteers/includes/_home_recruitment.html", order=61, context=home_counts(on=today()))
            )
        if user.has_role(Role.VOLUNTEER):
            panels.append(HomePanel("volunteers/includes/_home_volunteer.html", order=80))
        return panels

    def schedules(self) -> list[Declared]:
        from django_q.models import Schedule

        return [
            # Recruitment, nightly: approvals whose checks lapsed (coordinator told of live matches
            # affected), reminders 60/30/7 days before a check expires, DBS certificate content
            # deleted 6 months after issue (DBS code of practice).
            Declared(
                "kinfolk.volunteers.recruitment_nightly",
                "volunteers.tasks.recruitment_nightly",
                Schedule.DAILY,
                at=dt.time(6, 0),
            ),
            # References: chased at 1 and 2 weeks, failed at 3 (hourly so a chase is never a day late).
            Declared("kinfolk.volunteers.chase_references", "volunteers.tasks.chase_references", Schedule.HOURLY),
            # Retention: anonymise volunteers who left and closed requests past their retention period.
            Declared(
                "kinfolk.volunteers.anonymise_due",
                "volunteers.tasks.anonymise_due",
                Schedule.DAILY,
                at=dt.time(2, 30),
            ),
        ]

    def build_demo(self) -> list[str]:
        from volunteers.demo.recruitment import build

        return build()
