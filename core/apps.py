from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.registry import KinfolkApp, NavItem


class CoreConfig(KinfolkApp):
    name = "core"
    verbose_name = "Kinfolk core"

    def ready(self) -> None:
        from django.core import checks

        from core.checks import uploads_are_scanned

        checks.register(uploads_are_scanned)

    def navigation(self, user: Any) -> list[NavItem]:
        return [NavItem("Home", reverse("core:home"), order=0)]
