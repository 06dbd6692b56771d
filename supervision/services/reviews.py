"""Reviewing, in a discussion, the actions carried over from earlier ones."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from diary.reminders import withdraw_reminders
from supervision.models import Action, ActionReview, ActionStatus, AgendaItem
from supervision.services.common import can_be_invited, lock_session
from supervision.services.minutes import schedule_action_reminders, writable


@transaction.atomic
def review_action(
    *, action: Action, item: AgendaItem, done: bool, due_on: dt.date, owner: User, by: User
) -> ActionReview:
    """Record what this discussion decided about an earlier action: done, re-dated, reassigned or kept.

    The action changes at once (its reminders follow) and the review is part of
    this session's minutes, so it is in their approved versions and PDF. Reviewing
    the same action again in the same discussion replaces the review and keeps
    what the action was before the first one.
    """
    session = lock_session(item.session_id)
    writable(session)
    action = Action.objects.select_for_update(of=("self",)).select_related("item__session", "owner").get(pk=action.pk)
    if (
        action.family_id != item.family_id
        or action.group_id != session.group_id
        or action.item.session.start >= session.start
    ):
        raise ValidationError("This action was not carried over to this discussion.")
    review = ActionReview.objects.filter(action=action, item=item).first()
    if review is None and action.status == ActionStatus.DONE:
        raise ValidationError("This action is already done.")
    if not can_be_invited(owner):
        raise ValidationError({"owner": "Choose an owner who can be invited to the group's sessions."})
    if not done and due_on < timezone.localtime(session.start).date():
        raise ValidationError({"due_on": "The new due date must be on or after this session."})
    if review is None:
        review = ActionReview(action=action, item=item, due_before=action.due_on, owner_before=action.owner)
    review.marked_done, review.due_after, review.owner_after = done, due_on, owner
    review.reviewed_by, review.reviewed_at = by, timezone.now()
    review.full_clean()
    review.save()

    action.owner, action.due_on = owner, due_on
    if done:
        action.status, action.completed_at, action.completed_by = ActionStatus.DONE, timezone.now(), by
    elif action.status == ActionStatus.DONE:
        action.status, action.completed_at, action.completed_by = ActionStatus.OPEN, None, None
    action.full_clean()
    action.save(update_fields=["owner", "due_on", "status", "completed_at", "completed_by"])
    withdraw_reminders(key_prefix=f"gcs:action:{action.pk}:")
    if action.status == ActionStatus.OPEN:
        schedule_action_reminders(action)
    # Ids and dates only: the description is free text.
    audit.record(
        action=AuditAction.UPDATE,
        obj=action,
        detail={"reviewed_at_item": item.pk, "done": done, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return review
