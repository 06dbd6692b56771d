"""The development email backend: keeps every message for the development outbox page."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from outbox.models import KeptEmail


class KeepBackend(BaseEmailBackend):
    """Sends nothing; stores the whole MIME message so a newcomer can see what would have gone."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            KeptEmail.objects.create(
                subject=str(message.subject)[:500],
                from_email=str(message.from_email),
                to=list(message.recipients()),
                raw=message.message().as_string(),
            )
        return len(email_messages)
