from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come only from an administrator's invitation (accounts.services.accept_invitation).
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A fresh password sign-in may set up a second factor without typing the password twice.

        allauth calls this without the request; its middleware keeps it in
        `allauth.core.context` for the length of each request.
        """
        from accounts.mfa import sign_in_counts_as_password_check

        request = allauth_context.request
        if app == "allauth.mfa" and request is not None and sign_in_counts_as_password_check(request):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails (password reset, verification) go through the outbox like every other email."""
        from outbox.services import enqueue_rendered

        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        if message.content_subtype == "html":
            html = message.body
        enqueue_rendered(
            to=message.to,
            template=template_prefix.rsplit("/", 1)[-1],
            subject=f"{settings.PROTECTIVE_MARKING}: {message.subject}",
            text=message.body if message.content_subtype != "html" else "",
            html=str(html),
            idempotency_key=f"account:{template_prefix}:{uuid.uuid4().hex}",
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count: the same one the audit trail records."""
        ip = client_ip(request)
        if ip is None:
            # As allauth does: a request with no address cannot be rate limited.
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a locked account before its password is tried, from any address.

        allauth's own counter is per typed email address and runs out 15 minutes
        after the first wrong password; the lock row covers every address of the
        account and lasts until 15 minutes after the last, or until an administrator
        lifts it. The message is allauth's usual one, the same as for an unknown
        address whose counter is full, so it does not reveal who has an account.
        """
        from accounts import lockout

        email = credentials.get("email")
        if email and lockout.is_locked(email):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """After a wrong password: lock the account if that filled its per-account counter."""
        from accounts import lockout, services

        super().authentication_failed(request, **credentials)
        email = credentials.get("email")
        if email and lockout.account_limit_reached(request, email):
            for user in lockout.users_signing_in_as(email).filter(is_active=True):
                services.lock_account(user=user)


def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if key:
        return Fernet(key.encode())
    # Derived from SECRET_KEY when no separate key is configured; deploy.md
    # recommends a separate key so signing keys can rotate independently.
    digest = hashlib.sha256(f"kinfolk-field-encryption:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    """Encrypts TOTP secrets at rest with Fernet (AES-128-CBC with HMAC-SHA256)."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("An authenticator secret could not be decrypted: check FIELD_ENCRYPTION_KEY.") from exc
