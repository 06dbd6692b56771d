"""django-q2 tasks: take ids, load, call one service. Safe to run twice."""

from __future__ import annotations

from supervision import services
from supervision.models import MinutesVersion
from supervision.services import membership


def render_and_circulate_minutes(version_id: int) -> str:
    """Render an approved version's PDF (if not yet rendered), then circulate it (each email once)."""
    version = MinutesVersion.objects.select_related("session__group__team").get(pk=version_id)
    version = services.render_minutes_pdf(version=version)
    sent = services.circulate_minutes(version=version)
    return f"minutes v{version.number} of session {version.session_id}: circulated to {sent}"


def render_pending_minutes() -> int:
    """The sweep behind the on-commit task: approved versions not yet rendered or circulated.

    Covers a broker outage or a worker killed mid-render; every step is safe to
    repeat (the PDF is rendered once, each email has its own key).
    """
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    stale = timezone.now() - timedelta(minutes=2)
    pending = MinutesVersion.objects.filter(Q(pdf="") | Q(circulated_at__isnull=True), approved_at__lt=stale)
    done = 0
    for version_id in pending.values_list("pk", flat=True)[:20]:
        render_and_circulate_minutes(version_id)
        done += 1
    return done


def apply_membership_change(change_id: int) -> bool:
    """A member added, removed or restored: bring the future sessions' invitations in line."""
    return membership.apply_calendar_work(change_id=change_id)


def run_pending_membership_changes() -> int:
    """The sweep behind the on-commit task: changes whose calendar work is waiting, failed or stranded."""
    return sum(membership.apply_calendar_work(change_id=change_id) for change_id in membership.pending_changes())
