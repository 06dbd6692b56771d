"""django-q2 jobs of the volunteer scheme: each calls one service and is safe to run twice."""

from __future__ import annotations

from volunteers.services import contacts, lifecycle


def expire_offers() -> int:
    return lifecycle.expire_offers()


def nudge_contact_gaps() -> dict[str, int]:
    return contacts.nudge_contact_gaps()


def recruitment_nightly() -> str:
    """Lapses first (so no reminder goes out for a check already gone), then reminders, then DBS purge."""
    from volunteers.services import expiry

    lapsed = expiry.handle_lapses()
    reminded = expiry.send_expiry_reminders()
    purged = expiry.purge_dbs_content()
    return f"lapsed {lapsed}, reminders {reminded}, DBS content purged {purged}"


def chase_references() -> str:
    from volunteers.services import references

    counts = references.chase_references()
    return f"chased {counts['chased']}, failed {counts['failed']}"


def anonymise_due() -> str:
    from volunteers.services import retention

    counts = retention.anonymise_due()
    return f"anonymised {counts['volunteers']} volunteers, {counts['requests']} requests"
