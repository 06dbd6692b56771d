from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import HomePanel, KinfolkApp, NavItem


class AccountsConfig(KinfolkApp):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the audit receivers and registers the role permissions.
        from accounts import permissions, signals  # noqa: F401

    def navigation(self, user: Any) -> list[NavItem]:
        items = []
        if user.has_perm("accounts.manage_users"):
            items.append(NavItem("Users", reverse("accounts:user_list"), order=50))
        if user.has_perm("accounts.view_audit_log"):
            items.append(NavItem("Audit log", reverse("accounts:audit_log"), order=60))
        items.append(NavItem("Your account", reverse("mfa_index"), order=90))
        return items

    def home_panels(self, user: Any) -> list[HomePanel]:
        return [
            HomePanel("accounts/includes/_home_greeting.html", order=0, context={"roles": sorted(user.role_names)}),
            HomePanel(
                "accounts/includes/_home_teams.html",
                order=30,
                context={"teams": list(user.teams.all()), "can_administer": user.has_perm("accounts.manage_users")},
            ),
        ]

    def build_demo(self) -> list[str]:
        from accounts.demo import build_demo_people, demo_logins

        build_demo_people()
        return demo_logins()
