from __future__ import annotations

import datetime as dt
from typing import Any

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class VolunteersConfig(KinfolkApp):
    name = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        from volunteers import permissions, signals  # noqa: F401  (registers the volunteers.* rules)

        signals.connect()
        signals.audit_recruitment_records()

    def navigation(self, user: Any) -> list[NavItem]:
        from django.urls import reverse

        from volunteers.permissions import makes_requests, runs_scheme, volunteer_of

        items = []
        if runs_scheme(user):
            items.append(NavItem("Volunteers", reverse("volunteers:volunteer_list"), order=30))
            items.append(NavItem("Matching board", reverse("volunteers:board"), order=31))
            items.append(NavItem("Matches", reverse("volunteers:match_list"), order=33))
        elif volunteer_of(user) is not None:
            items.append(NavItem("My volunteering", reverse("volunteers:portal"), order=40))
        if runs_scheme(user) or makes_requests(user):
            items.append(NavItem("Volunteer requests", reverse("volunteers:request_list"), order=32))
        return items

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role
        from volunteers.views.matches import lifecycle_panel_context

        panels = []
        if user.has_role(Role.VOLUNTEER_COORDINATOR):
            from volunteers.matching.eligibility import requests_awaiting_match

            # Recruitment: applicants waiting on a coordinator, supervision due.
            from volunteers.selectors.recruitment import home_counts
            from volunteers.services.recruitment import today

            panels.append(
                HomePanel("volunteers/includes/_home_recruitment.html", order=61, context=home_counts(on=today()))
            )
            panels.append(
                HomePanel(
                    "volunteers/includes/_home_matching.html",
                    order=62,
                    context={"awaiting_match": requests_awaiting_match().count()},
                )
            )
        if user.has_role(Role.VOLUNTEER):
            from volunteers.models import MatchState
            from volunteers.permissions import matches_visible_to, volunteer_of

            if volunteer_of(user) is not None:
                states = list(matches_visible_to(user).values_list("state", flat=True))
                offers = sum(1 for state in states if state == MatchState.OFFERED)
                context = {"offers": offers, "matches": len(states) - offers}
                panels.append(HomePanel("volunteers/includes/_home_volunteer.html", order=80, context=context))
        context = lifecycle_panel_context(user)
        if context:
            panels.append(HomePanel("volunteers/includes/_home_lifecycle.html", order=55, context=context))
        return panels

    def provides(self) -> dict[str, Any]:
        from volunteers import public
        from volunteers.demo import fgc as fgc_demo

        return {
            "volunteers.request_fgc_ambassador": public.request_fgc_ambassador,
            "volunteers.match_summary": public.match_summary,
            "volunteers.ambassador_availability": public.ambassador_availability,
            # Demo only: the FGC demo (built after ours) has its ambassador request matched.
            "volunteers.demo_match_fgc_ambassador": fgc_demo.match_fgc_ambassador,
        }

    def requires_second_factor(self, user: Any) -> bool:
        # A volunteer who can see anything of a family (an offer or a live match) signs in with a second factor.
        from volunteers.models import Match
        from volunteers.permissions import VOLUNTEER_SEES_STATES

        return Match.objects.filter(volunteer__user=user, state__in=VOLUNTEER_SEES_STATES).exists()

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
        # Recruitment first (approved volunteers), then Jo's live match, then the board for the rest.
        from volunteers.demo import lifecycle, matching, recruitment

        # Their summaries are not printed: the demo logins are the last thing `make run` shows.
        recruitment.build()
        lifecycle.build()
        matching.build()
        return []
