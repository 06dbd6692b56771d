"""Links a volunteer's record to the account created from their portal invitation.

accounts knows nothing of volunteers (it is a lower layer), so the volunteer record
remembers its invitation and listens for that invitation being accepted.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from accounts.models import Invitation


def link_accepted_invitation(sender: type[Invitation], instance: Invitation, **kwargs: Any) -> None:
    from volunteers.models import Volunteer

    if instance.user_id is None or instance.accepted_at is None:
        return
    Volunteer.objects.filter(invitation=instance, user__isnull=True).update(user=instance.user_id)


def connect() -> None:
    post_save.connect(link_accepted_invitation, sender=Invitation, dispatch_uid="volunteers.link_invitation")


def audit_recruitment_records() -> None:
    """Every change to a recruitment record or a role's requirements, from any path (pages, admin, jobs)."""
    from core import audit
    from volunteers.models import CheckRecord, DbsCheck, Reference, Requirement, SupervisionConversation

    audit.audit_changes_of(Requirement, CheckRecord, DbsCheck, Reference, SupervisionConversation)
