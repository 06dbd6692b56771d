"""The audit trail: who read or changed what, written in the caller's transaction.

Views call `record()` for reads (a family viewed, a paper downloaded, an export);
`audit_changes_of()` connects signals that call it for every change to a record
an app declares (accounts/signals.py, families/signals.py), so the Django admin,
the shell and services are covered alike. Because the row is written in the
same transaction as the change (or inside the view's atomic block for reads), a
rolled-back request leaves no orphan row and a committed one never lacks its row.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest

from core.models import AuditAction, AuditEvent
from core.network import client_ip
from core.secrets_in_text import mask_link_secrets


@dataclass(frozen=True)
class RequestContext:
    user_id: int | None
    email: str
    path: str
    ip_address: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("kinfolk_audit", default=None)


def context_from_request(request: HttpRequest) -> RequestContext:
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    return RequestContext(
        user_id=user.pk if authenticated else None,  # type: ignore[union-attr]
        email=user.email if authenticated else "",  # type: ignore[union-attr]
        # Response, feed and invitation paths carry their token: keep it out of the trail.
        path=mask_link_secrets(request.path)[:500],
        ip_address=client_ip(request),
    )


def set_context(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def reset_context(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)


def current_context() -> RequestContext | None:
    return _current.get()


def record(
    *,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction it describes."""
    ctx = context_from_request(request) if request is not None else current_context()
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        action=str(action),
        actor_id=ctx.user_id if ctx else None,
        actor_email=ctx.email if ctx else "",
        path=ctx.path if ctx else "",
        ip_address=ctx.ip_address if ctx else None,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail or {},
    )
    event.save(force_insert=True)
    return event


def record_view(request: HttpRequest, obj: models.Model, **detail: Any) -> AuditEvent:
    """Audit a read. Views of case data call this inside `transaction.atomic()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_view must be called inside the transaction that reads the record.")
    return record(action=AuditAction.VIEW, obj=obj, request=request, detail=detail or None)


# --- Every change to a declared record, from any path ---------------------------------------

# Fields that change on every sign-in: auditing them would bury real changes.
NOISE_FIELDS = frozenset({"last_login"})


def _on_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= NOISE_FIELDS:
        return
    detail = {"fields": sorted(update_fields)} if update_fields else None
    record(action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=instance, detail=detail)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(action=AuditAction.DELETE, obj=instance)


def _on_m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    record(
        action=AuditAction.UPDATE,
        obj=instance,
        detail={
            "relation": sender._meta.model_name or "",
            "change": action.removeprefix("post_"),
            "ids": sorted(pk_set or []),
        },
    )


def audit_changes_of(*models_: type[models.Model], relations: tuple[type[models.Model], ...] = ()) -> None:
    """Audit every save and delete of `models_` and every change to the many-to-many `relations`.

    Each app calls this from its AppConfig.ready() for the records it owns.
    """
    for model in models_:
        post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
    for through in relations:
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label}")
