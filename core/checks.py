"""System checks: `manage.py check` and `runserver` say when uploads are not scanned for malware."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def uploads_are_scanned(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.KINFOLK_MALWARE_SCAN:
        return []
    reason = settings.KINFOLK_MALWARE_SCAN_OFF_REASON
    if reason:
        # Production may only get here with a stated reason (config/settings.py): shown, not failed,
        # so `check --deploy --fail-level WARNING` passes for a deliberate choice.
        return [checks.Info(f"Uploads are not scanned for malware: {reason}", id="kinfolk.I001")]
    return [
        checks.Warning(
            "Uploads are not scanned for malware: no ClamAV daemon is named (development or demo mode).",
            hint="Install clamav-daemon and set KINFOLK_CLAMD_SOCKET (docs/deploy.md) to scan uploads here.",
            id="kinfolk.W001",
        )
    ]
