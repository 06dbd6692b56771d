from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.schedules import setup_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules every app declares in its AppConfig. Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        report = setup_schedules()
        for outcome, names in report.items():
            for name in names:
                self.stdout.write(f"{outcome}: {name}")
