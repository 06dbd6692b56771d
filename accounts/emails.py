"""One function per account email, each rendered from a subject/text/html trio in templates/emails/.

Emails carry links into Kinfolk, never a child's or family member's name.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import Invitation
from outbox.models import OutboxMessage
from outbox.services import enqueue_email


def send_invitation(*, invitation: Invitation, link: str) -> OutboxMessage:
    """Queue the account invitation in the outbox (call inside the inviting transaction)."""
    return enqueue_email(
        to=[invitation.email],
        template="invitation",
        context={
            "invitation": invitation,
            "link": link,
            "days": settings.KINFOLK_INVITATION_DAYS,
        },
        idempotency_key=f"invitation:{invitation.pk}",
    )
