from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import HomePanel, KinfolkApp, NavItem


class FamiliesConfig(KinfolkApp):
    name = "families"
    verbose_name = "Families and care leavers"

    def ready(self) -> None:
        # Connects the audit receivers and registers the need-to-know permissions.
        from families import permissions, signals  # noqa: F401

    def navigation(self, user: Any) -> list[NavItem]:
        from families.selectors import works_with_case_records

        if not works_with_case_records(user):
            return []
        return [
            NavItem("Families", reverse("families:family_list"), order=20),
            NavItem("Care leavers", reverse("families:care_leaver_list"), order=30),
        ]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from families.selectors import case_record_counts, works_with_case_records

        if not works_with_case_records(user):
            return []
        return [HomePanel("families/includes/_home_panel.html", order=20, context=case_record_counts(user))]

    def build_demo(self) -> list[str]:
        from families.demo import build_demo_families

        build_demo_families()
        return []
