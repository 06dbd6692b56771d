from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.registry import build_demo


class Command(BaseCommand):
    help = "Build (or top up) the demo borough: every installed Kinfolk app's demo data. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        lines = build_demo()
        self.stdout.write(self.style.SUCCESS("Demo borough ready."))
        for line in lines:
            self.stdout.write(line)
