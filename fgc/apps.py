from __future__ import annotations

from typing import Any

from core.registry import HomePanel, KinfolkApp


class FgcConfig(KinfolkApp):
    name = "fgc"
    verbose_name = "Family Group Conferences"

    def home_panels(self, user: Any) -> list[HomePanel]:
        from accounts.models import Role

        if not user.has_role(Role.FGC_COORDINATOR):
            return []
        return [HomePanel("fgc/includes/_home_panel.html", order=70)]
