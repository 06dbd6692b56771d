"""Audit receivers: every change to a core record, from any path (services, admin, shell)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from core import audit
from core.models import CareLeaver, Child, Family, Invitation, Locality, Team, User
from core.models.audit import AuditAction

AUDITED_MODELS: tuple[type[models.Model], ...] = (
    Family,
    Child,
    CareLeaver,
    Team,
    Locality,
    User,
    Invitation,
)
# Fields that change on every sign-in: auditing them would bury real changes.
_NOISE_FIELDS = frozenset({"last_login"})


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= _NOISE_FIELDS:
        return
    detail = {"fields": sorted(update_fields)} if update_fields else None
    audit.record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=instance,
        detail=detail,
    )


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    audit.record(action=AuditAction.DELETE, obj=instance)


def _on_m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    field = sender._meta.model_name or ""
    audit.record(
        action=AuditAction.UPDATE,
        obj=instance,
        detail={
            "relation": field,
            "change": action.removeprefix("post_"),
            "ids": sorted(pk_set or []),
        },
    )


for _model in AUDITED_MODELS:
    post_save.connect(_on_save, sender=_model, dispatch_uid=f"audit-save-{_model._meta.label}")
    post_delete.connect(_on_delete, sender=_model, dispatch_uid=f"audit-delete-{_model._meta.label}")

for _through in (Team.members.through, Team.managers.through, User.groups.through):
    m2m_changed.connect(_on_m2m, sender=_through, dispatch_uid=f"audit-m2m-{_through._meta.label}")


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        request.user = user
    audit.record(action=AuditAction.LOGIN, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # The attempted address is recorded in detail, not as the actor: it may not exist.
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        object_type="core.User",
        request=request,
        detail={"email": str(credentials.get("email") or credentials.get("username") or "")[:254]},
    )
