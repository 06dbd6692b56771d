"""django-q2 jobs of the volunteer scheme: each calls one service and is safe to run twice."""

from __future__ import annotations

from volunteers.services import contacts, lifecycle


def expire_offers() -> int:
    return lifecycle.expire_offers()


def nudge_contact_gaps() -> dict[str, int]:
    return contacts.nudge_contact_gaps()
