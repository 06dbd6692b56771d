from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from core.registry import navigation


def _nav(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    path = request.path
    home = reverse("core:home")
    return [
        {
            "label": item.label,
            "url": item.url,
            "active": path == item.url if item.url == home else path.startswith(item.url),
        }
        for item in navigation(user)
    ]


def kinfolk(request: HttpRequest) -> dict[str, Any]:
    return {
        "council_name": settings.COUNCIL_NAME,
        "protective_marking": settings.PROTECTIVE_MARKING,
        "demo_mode": settings.DEMO_MODE and not settings.KINFOLK_ENFORCE_MFA,
        # Upload pages say so when files are not scanned (development, demo, or turned off with a reason).
        "uploads_scanned": settings.KINFOLK_MALWARE_SCAN,
        "nav_items": _nav(request),
    }
