"""Who may see the outbox and the development outbox.

The outbox knows no roles (it sits below accounts): it asks for the permission
`outbox.view_outbox`, which accounts/permissions.py grants to administrators.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404

from outbox.models import KeptEmail, OutboxMessage


def require_outbox_access(user: Any) -> None:
    """Administrators only; 404 to everyone else, like the other administrative pages."""
    if not (user is not None and user.is_authenticated and user.is_active and user.has_perm("outbox.view_outbox")):
        raise Http404


def get_outbox_message_for_user(user: Any, pk: int) -> OutboxMessage:
    """An outbox row for an administrator; 404 for everyone else and for a missing row alike."""
    require_outbox_access(user)
    return get_object_or_404(OutboxMessage, pk=pk)


def development_outbox_exists() -> bool:
    """Mail is kept for the development outbox page only in demo mode and development."""
    return bool(settings.DEMO_MODE or settings.DEBUG)


def require_development_outbox_access(user: Any) -> None:
    """Administrators, and only in demo mode or development; 404 otherwise."""
    require_outbox_access(user)
    if not development_outbox_exists():
        raise Http404


def get_kept_email_for_user(user: Any, pk: int) -> KeptEmail:
    """A development-outbox message for an administrator in demo mode or development; 404 otherwise."""
    require_development_outbox_access(user)
    return get_object_or_404(KeptEmail, pk=pk)
