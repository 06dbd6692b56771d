from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from core.models import Role


def _nav(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = user.role_names
    items: list[tuple[str, str]] = [("Home", reverse("core:home")), ("Diary", reverse("core:diary"))]
    if roles & {
        Role.PRACTITIONER.value,
        Role.MANAGER.value,
        Role.GCS_COORDINATOR.value,
    }:
        items.append(("Families", reverse("core:family_list")))
        items.append(("Care leavers", reverse("core:care_leaver_list")))
    if roles & {Role.PRACTITIONER.value, Role.MANAGER.value, Role.GCS_COORDINATOR.value}:
        items.append(("Group Case Supervision", reverse("supervision:group_list")))
    if Role.ADMINISTRATOR.value in roles:
        items.append(("Users", reverse("core:user_list")))
        items.append(("Audit log", reverse("core:audit_log")))
        items.append(("Outbox", reverse("core:outbox_list")))
    items.append(("Your account", reverse("mfa_index")))
    path = request.path
    home = reverse("core:home")
    return [
        {
            "label": label,
            "url": url,
            "active": path == url if url == home else path.startswith(url),
        }
        for label, url in items
    ]


def kinfolk(request: HttpRequest) -> dict[str, Any]:
    return {
        "council_name": settings.COUNCIL_NAME,
        "protective_marking": settings.PROTECTIVE_MARKING,
        "demo_mode": settings.DEMO_MODE and not settings.KINFOLK_ENFORCE_MFA,
        "nav_items": _nav(request),
    }
