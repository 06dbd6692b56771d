"""The audit trail: who read or changed what, written in the caller's transaction.

Views call `record()` for reads (a family viewed, a paper downloaded, an export);
signals in core/signals.py call it for every change to a core record, so the
Django admin and services are covered alike. Because the row is written in the
same transaction as the change (or inside the view's atomic block for reads), a
rolled-back request leaves no orphan row and a committed one never lacks its row.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from core.models.audit import AuditAction, AuditEvent
from core.secrets_in_text import mask_link_secrets


@dataclass(frozen=True)
class RequestContext:
    user_id: int | None
    email: str
    path: str
    ip_address: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("kinfolk_audit", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted
    # proxy rewrites REMOTE_ADDR (deploy.md says how).
    return request.META.get("REMOTE_ADDR") or None


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
