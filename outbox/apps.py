from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class OutboxConfig(KinfolkApp):
    name = "outbox"
    verbose_name = "Outbox"

    def navigation(self, user: Any) -> list[NavItem]:
        if not user.has_perm("outbox.view_outbox"):
            return []
        return [NavItem("Outbox", reverse("outbox:outbox_list"), order=70)]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from outbox.permissions import development_outbox_exists

        # In demo mode every email lands there: without a link a newcomer never finds it.
        if not (user.has_perm("outbox.view_outbox") and development_outbox_exists()):
            return []
        return [HomePanel("outbox/includes/_home_development_outbox.html", order=35)]

    def schedules(self) -> list[Declared]:
        from django_q.models import Schedule

        return [
            # Sends outbox rows the on-commit task missed (broker down, worker killed) and
            # retries failed ones when their backoff is over.
            Declared("kinfolk.outbox.sweep", "outbox.tasks.sweep_outbox", Schedule.MINUTES, minutes=1),
            # Deletes sent outbox rows older than KINFOLK_OUTBOX_KEEP_DAYS (they hold email text).
            Declared("kinfolk.outbox.clean_up", "outbox.tasks.clean_up_outbox", Schedule.DAILY, at=dt.time(3, 30)),
        ]
