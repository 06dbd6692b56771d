"""django-q2 tasks: take ids, load, call one service. Safe to run twice."""

from __future__ import annotations

from fgc.models import FamilyPlan
from fgc.services import conference


def render_and_circulate_plan(plan_id: int) -> str:
    """Render the plan PDF and the family's letters (if not yet rendered), then email the professionals."""
    plan = FamilyPlan.objects.get(pk=plan_id)
    plan = conference.render_plan_pdfs(plan=plan)
    sent = conference.circulate_plan(plan=plan)
    return f"plan {plan.pk}: circulated to {sent}"


def render_pending_plans() -> int:
    """The sweep behind the on-commit task: plans recorded but not yet rendered or circulated."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    stale = timezone.now() - timedelta(minutes=2)
    pending = FamilyPlan.objects.filter(Q(pdf="") | Q(circulated_at__isnull=True), conference__ended_at__lt=stale)
    done = 0
    for plan_id in pending.values_list("pk", flat=True)[:20]:
        render_and_circulate_plan(plan_id)
        done += 1
    return done


def prompt_outcomes_due() -> int:
    """Daily: tell coordinators of 6- and 12-month outcomes that have fallen due (each once)."""
    from fgc.services import review

    return review.prompt_outcomes_due()
