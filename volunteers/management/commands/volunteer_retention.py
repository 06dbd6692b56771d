"""The data protection lead's dry run: what the retention job would anonymise today. Changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from volunteers.services import retention


class Command(BaseCommand):
    help = "List the volunteers and closed requests the nightly retention job would anonymise today (dry run)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention.candidates()
        self.stdout.write(
            f"Volunteers who left on or before {report.volunteer_cutoff:%-d %B %Y}: {len(report.volunteers)}"
        )
        for v in report.volunteers:
            self.stdout.write(f"  volunteer {v.pk}, left {v.left_on:%-d %b %Y}")
        self.stdout.write(f"Requests closed on or before {report.request_cutoff:%-d %B %Y}: {len(report.requests)}")
        for r in report.requests:
            self.stdout.write(f"  {r.reference}, closed {r.closed_on:%-d %b %Y}")
        self.stdout.write("Dry run: nothing was changed.")
