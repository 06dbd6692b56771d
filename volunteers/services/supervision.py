"""Supervision and wellbeing conversations with volunteers, each setting when the next is due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from volunteers.models import SupervisionConversation, Volunteer


@transaction.atomic
def record_conversation(
    *, volunteer: Volunteer, by: User, kind: str, held_on: dt.date, notes: str, next_due_on: dt.date
) -> SupervisionConversation:
    conversation = SupervisionConversation(
        volunteer=volunteer, kind=kind, held_on=held_on, notes=notes, next_due_on=next_due_on, recorded_by=by
    )
    conversation.full_clean()
    conversation.save()
    return conversation
