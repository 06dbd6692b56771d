from __future__ import annotations

import io
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.uploads import clamav

# The EICAR test file: every anti-virus product reports it, and it does nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class Command(BaseCommand):
    help = (
        "Check that the malware scanner answers and finds the EICAR test file; prints its signature "
        "database version and date. Exits non-zero if uploads would be refused as unscannable."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not clamav.scanning_enabled():
            self.stdout.write(self.style.WARNING("Uploads are not scanned for malware (KINFOLK_MALWARE_SCAN is off)."))
            return
        try:
            clamav.ping()
            version = clamav.version()
            verdict = clamav.scan(io.BytesIO(EICAR))
        except clamav.ScannerUnavailable as exc:
            raise CommandError(f"The malware scanner at {clamav.describe_address()} is unavailable: {exc}") from exc
        if not verdict.infected:
            raise CommandError(f"The malware scanner answered but did not find the EICAR test file ({version}).")
        self.stdout.write(self.style.SUCCESS(f"Scanner OK at {clamav.describe_address()}: {version}"))
        self.stdout.write(f"EICAR test file found as {verdict.signature}.")
