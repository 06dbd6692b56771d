"""The agenda: families to discuss, presenters, running order, publishing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core import audit
from core.models import AuditAction
from families.models import Family
from outbox.services import enqueue_email
from supervision.models import ADULT_SPECIALISMS, AgendaItem, GroupMember, SupervisionSession
from supervision.selectors import families_due
from supervision.services.common import invitees, lock_session, session_email_context
from supervision.services.papers import delete_stored_files, schedule_papers_reminders, withdraw_papers_reminders


def _agenda_editable(session: SupervisionSession) -> None:
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.minutes_locked:
        raise ValidationError("The minutes of this session have been submitted, so its agenda is fixed.")


@transaction.atomic
def add_item(
    *,
    session: SupervisionSession,
    family: Family,
    presenter: User,
    by: User,
    duration_minutes: int | None = None,
    specialists: Iterable[User] = (),
) -> AgendaItem:
    _agenda_editable(lock_session(session.pk))
    group = session.group
    if family.team_id != group.team_id:
        raise ValidationError({"family": "Choose a family open to this group's team."})
    if not family.is_open:
        raise ValidationError({"family": "This family's case is closed."})
    if session.items.filter(family=family).exists():
        raise ValidationError({"family": f"{family.case_reference} is already on this agenda."})
    members = dict(GroupMember.objects.filter(group=group).values_list("user_id", "discipline"))
    if presenter.pk not in members:
        raise ValidationError({"presenter": "The presenting worker must be a member of the group."})
    specialists = list(specialists)
    if any(members.get(s.pk) not in ADULT_SPECIALISMS for s in specialists):
        raise ValidationError({"specialists": "Choose adult specialists who are members of the group."})
    position = (session.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem(
        session=session,
        family=family,
        presenter=presenter,
        position=position,
        duration_minutes=duration_minutes or group.default_item_minutes,
    )
    item.full_clean()
    item.save()
    item.specialists.set(specialists)
    schedule_papers_reminders(session=session, items=[item])
    audit.record(action=AuditAction.CREATE, obj=item, detail={"family": family.pk, "presenter": presenter.pk})
    return item


@transaction.atomic
def update_item(
    *,
    item: AgendaItem,
    presenter: User,
    duration_minutes: int,
    specialists: Iterable[User] = (),
    by: User,
) -> AgendaItem:
    """Change an item's presenting worker, time slot or adult specialists; the later slots follow.

    A new presenter takes over the papers reminders; the previous one's are withdrawn.
    """
    session = lock_session(item.session_id)
    _agenda_editable(session)
    members = dict(GroupMember.objects.filter(group_id=session.group_id).values_list("user_id", "discipline"))
    if presenter.pk not in members:
        raise ValidationError({"presenter": "The presenting worker must be a member of the group."})
    specialists = list(specialists)
    if any(members.get(s.pk) not in ADULT_SPECIALISMS for s in specialists):
        raise ValidationError({"specialists": "Choose adult specialists who are members of the group."})
    before = {
        "presenter": item.presenter_id,
        "duration_minutes": item.duration_minutes,
        "specialists": sorted(item.specialists.values_list("pk", flat=True)),
    }
    new_presenter = presenter.pk != item.presenter_id
    if new_presenter:
        withdraw_papers_reminders(session=session, items=[item])
    item.presenter, item.duration_minutes = presenter, duration_minutes
    item.full_clean()
    item.save(update_fields=["presenter", "duration_minutes"])
    item.specialists.set(specialists)
    if new_presenter:
        schedule_papers_reminders(session=session, items=[item])
    after = {
        "presenter": presenter.pk,
        "duration_minutes": duration_minutes,
        "specialists": sorted(s.pk for s in specialists),
    }
    audit.record(
        action=AuditAction.UPDATE, obj=item, detail={"fields": sorted(k for k in before if before[k] != after[k])}
    )
    return item


@transaction.atomic
def remove_item(*, item: AgendaItem, by: User) -> None:
    _agenda_editable(lock_session(item.session_id))
    if item.actions.exists() or item.entries.exclude(text="").exists():
        raise ValidationError("This family's discussion already has minutes or actions, so it stays on the agenda.")
    withdraw_papers_reminders(session=item.session, items=[item])
    delete_stored_files([p.file.name for p in item.papers.all()])
    session = item.session
    audit.record(action=AuditAction.DELETE, obj=item, detail={"family": item.family_id})
    item.delete()
    for position, other in enumerate(session.items.order_by("position", "pk"), start=1):
        if other.position != position:
            AgendaItem.objects.filter(pk=other.pk).update(position=position)


@transaction.atomic
def move_item(*, item: AgendaItem, direction: str, by: User) -> AgendaItem:
    """Swap an item with its neighbour; the time slots follow the order."""
    _agenda_editable(lock_session(item.session_id))
    items = list(item.session.items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"}:
        raise ValidationError("Move an item up or down.")
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, other in enumerate(items, start=1):
            if other.position != position:
                AgendaItem.objects.filter(pk=other.pk).update(position=position)
        audit.record(action=AuditAction.UPDATE, obj=item, detail={"moved": direction})
    item.refresh_from_db()
    return item


@dataclass(frozen=True)
class DueFamiliesResult:
    added: list[AgendaItem]
    without_presenter: list[Family]


@transaction.atomic
def add_due_families(*, session: SupervisionSession, by: User) -> DueFamiliesResult:
    """Add every family due or overdue for discussion, each presented by its allocated worker.

    A family whose allocated worker is not a member of the group is left for
    the coordinator to add with a presenter of their choice. The adult
    specialists are those who were working with the family at its last
    discussion in this group and are still the group's adult specialists;
    a family never discussed has none set, and the session page says so.
    """
    _agenda_editable(lock_session(session.pk))
    members = dict(session.group.members.values_list("user_id", "discipline"))
    due_families = families_due(group=session.group, session=session)
    previous = previous_specialists(session=session, family_ids=[d.family.pk for d in due_families])
    added: list[AgendaItem] = []
    without: list[Family] = []
    for due in due_families:
        family = due.family
        practitioner = family.allocated_practitioner
        if practitioner is None or practitioner.pk not in members:
            without.append(family)
            continue
        specialists = [u for u in previous.get(family.pk, []) if members.get(u.pk) in ADULT_SPECIALISMS]
        added.append(add_item(session=session, family=family, presenter=practitioner, by=by, specialists=specialists))
    return DueFamiliesResult(added=added, without_presenter=without)


def previous_specialists(*, session: SupervisionSession, family_ids: list[int]) -> dict[int, list[User]]:
    """Each family's adult specialists at its latest earlier discussion in this group (two queries)."""
    latest: dict[int, AgendaItem] = {}
    for item in (
        AgendaItem.objects.filter(
            family_id__in=family_ids, session__group_id=session.group_id, session__start__lt=session.start
        )
        .exclude(session=session)
        .order_by("family_id", "-session__start")
        .prefetch_related("specialists")
    ):
        latest.setdefault(item.family_id, item)
    return {family_id: list(item.specialists.all()) for family_id, item in latest.items()}


@transaction.atomic
def publish_agenda(*, session: SupervisionSession, by: User) -> int:
    """Tell every member the agenda is ready. Publishing again (after changes) tells them again."""
    _agenda_editable(session)
    items = list(session.items.select_related("family").order_by("position", "pk"))
    if not items:
        raise ValidationError("Add at least one family before publishing the agenda.")
    now = timezone.now()
    session.agenda_published_at = now
    session.save(update_fields=["agenda_published_at"])
    context = {
        **session_email_context(session),
        # Case references only: the email leaves Kinfolk.
        "case_references": [item.family.case_reference for item in items],
        "papers_due": f"{timezone.localtime(session.papers_due_at):%A %-d %B, %H:%M}",
    }
    sent = 0
    for person in invitees(session.group):
        enqueue_email(
            to=[person.email],
            template="gcs_agenda_published",
            context={**context, "name": person.get_short_name()},
            idempotency_key=f"gcs:session:{session.pk}:agenda:{now.timestamp():.0f}:{person.email.lower()}",
        )
        sent += 1
    audit.record(action=AuditAction.UPDATE, obj=session, detail={"agenda_published": len(items), "told": sent})
    return sent
