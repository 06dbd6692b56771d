"""One function per account email, each rendered from a subject/text/html trio in templates/emails/.

Emails carry links into Kinfolk, never a child's or family member's name.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.models import AccountLock, Invitation
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


def send_account_locked(*, lock: AccountLock) -> OutboxMessage:
    """Tell the user their account was locked (call inside the locking transaction).

    Says when, not where from: the addresses are in the audit log for administrators.
    No link either: a security warning that asks nobody to click is harder to imitate.
    """
    return enqueue_email(
        to=[lock.user.email],
        template="account_locked",
        context={
            "user": lock.user,
            "failures": lock.failures,
            "locked_at": timezone.localtime(lock.locked_at),
            "locked_until": timezone.localtime(lock.locked_until),
        },
        idempotency_key=f"account-locked:{lock.pk}",
    )
