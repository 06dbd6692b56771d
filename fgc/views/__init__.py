"""Family Group Conference pages, one module per area."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every FGC view requires sign-in), typed for the services."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
