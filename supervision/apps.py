from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class SupervisionConfig(KinfolkApp):
    name = "supervision"
    verbose_name = "Group Case Supervision"

    def ready(self) -> None:
        # Registers the supervision.* rules permissions.
        from supervision import permissions  # noqa: F401

    def navigation(self, user: Any) -> list[NavItem]:
        from supervision.permissions import uses_gcs

        if not uses_gcs(user):
            return []
        return [NavItem("Group Case Supervision", reverse("supervision:group_list"), order=40)]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from supervision.permissions import uses_gcs

        if not uses_gcs(user):
            return []
        return [HomePanel("supervision/includes/_home_panel.html", order=50)]

    def schedules(self) -> list[Declared]:
        from django_q.models import Schedule

        return [
            # Renders approved GCS minutes whose on-commit render task was lost (worker
            # down or killed), so circulation never waits on a missing PDF.
            Declared(
                "kinfolk.gcs.render_pending_minutes",
                "supervision.tasks.render_pending_minutes",
                Schedule.MINUTES,
                minutes=5,
            ),
            # Invitations after a member is added, removed or restored, should the on-commit
            # task be lost (broker down, worker killed); each run claims a change first.
            Declared(
                "kinfolk.gcs.membership_changes",
                "supervision.tasks.run_pending_membership_changes",
                Schedule.MINUTES,
                minutes=1,
            ),
        ]

    def build_demo(self) -> list[str]:
        from supervision.demo import build_demo_gcs

        build_demo_gcs()
        return []
