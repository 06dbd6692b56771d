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
from django.http import HttpRequest


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
