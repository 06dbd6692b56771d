from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, USERS, build_demo_borough
from core.demo_diary import DEMO_LINK, build_demo_meetings
from core.models import Meeting
from supervision.demo import build_demo_gcs


class Command(BaseCommand):
    help = "Build (or top up) the demo borough. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        build_demo_borough()
        # The demo meetings show an invite, its update and its cancellation in the
        # development outbox; made once, so a second run adds no more mail.
        if not Meeting.objects.filter(link_path=DEMO_LINK).exists():
            build_demo_meetings()
        build_demo_gcs()
        self.stdout.write(self.style.SUCCESS(f"Demo borough ready. Demo logins (password for all: {DEMO_PASSWORD}):"))
        for spec in USERS:
            roles = ", ".join(r.value for r in spec.roles)
            self.stdout.write(f"  {spec.email:<30} {roles}")
