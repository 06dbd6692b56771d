"""Family Network Support Packages: requested against a plan item, approved by managers, paid from a budget pot.

The approval chain: a package of up to the first threshold needs one manager; each
threshold it goes above adds another (settings.FGC_APPROVAL_THRESHOLDS, default
£500). Approvers are the managers of the family's team and the FGC manager
(fgc.permissions.packages_visible_to), never the requester, and never the same
manager twice. A refusal ends the chain and is kept, with its reason. What is
approved and paid from a pot never comes to more than its amount: the last
approval is refused if the pot (perhaps lowered since the request) cannot carry it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core import audit
from core.models import AuditAction
from fgc.models import (
    ApprovalStep,
    Budget,
    Conference,
    ConferenceStatus,
    PackageStatus,
    PlanItem,
    Recurrence,
    SupportPackage,
)
from fgc.permissions import in_approval_chain, packages_visible_to
from outbox.services import enqueue_email

DEFAULT_THRESHOLDS = (Decimal(500),)
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


def thresholds() -> tuple[Decimal, ...]:
    return tuple(sorted(Decimal(t) for t in getattr(settings, "FGC_APPROVAL_THRESHOLDS", DEFAULT_THRESHOLDS)))


def approvals_needed(total: Decimal) -> int:
    """1 up to the first threshold, one more above each threshold."""
    return 1 + sum(1 for limit in thresholds() if total > limit)


def budgets_with_sums() -> QuerySet[Budget]:
    """Each pot with what is awaiting approval, committed (approved, not yet paid), spent and left: one query."""
    total = F("packages__amount") * F("packages__payments")
    return Budget.objects.annotate(
        awaiting=Coalesce(Sum(total, filter=Q(packages__status=PackageStatus.REQUESTED), output_field=MONEY), ZERO),
        committed=Coalesce(Sum(total, filter=Q(packages__status=PackageStatus.APPROVED), output_field=MONEY), ZERO),
        spent=Coalesce(
            Sum("packages__paid_amount", filter=Q(packages__status=PackageStatus.PAID), output_field=MONEY), ZERO
        ),
    ).annotate(left=F("amount") - F("committed") - F("spent"))


def _chain(team_id: int) -> QuerySet[User]:
    """The managers who may approve a package of a family of this team (as `packages_visible_to`)."""
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER.value)
    return managers.filter(
        Q(managed_teams=team_id) | Q(teams=team_id) | Q(groups__name=Role.FGC_COORDINATOR.value)
    ).distinct()


def approvers(package: SupportPackage) -> list[User]:
    """Who may decide the package next: its approval chain (`packages_visible_to`), less the
    requester and whoever has already approved it."""
    return list(
        _chain(package.plan_item.plan.conference.referral.family.team_id)
        .exclude(pk=package.requested_by_id)
        .exclude(pk__in=package.approvals.values("approver_id"))
        .order_by("full_name", "pk")
    )


def _ask_approvers(package: SupportPackage, *, key: str, headline: str) -> None:
    """Email each approver who may decide now: the case reference and a link, nothing of the plan."""
    link = settings.SITE_URL + reverse("fgc:package_decide", kwargs={"pk": package.pk})
    for approver in approvers(package):
        _tell(package=package, to=approver, key=key, headline=headline, link=link)


def _tell(*, package: SupportPackage, to: User, key: str, headline: str, link: str = "") -> None:
    referral = package.plan_item.plan.conference.referral
    conference_page = settings.SITE_URL + reverse("fgc:conference_detail", args=[package.plan_item.plan.conference_id])
    enqueue_email(
        to=[to.email],
        template="fgc_referral_update",
        context={
            "name": to.full_name,
            "reference": referral.reference,
            "headline": headline,
            "detail": "",
            # The requester (the coordinator) follows it to the conference page, where the package's status
            # shows; an approver to the package's decision page.
            "link": link or conference_page,
            "link_label": "Open the support package" if link else "",
        },
        idempotency_key=f"fgc:package:{package.pk}:{key}:{to.pk}",
    )


@transaction.atomic
def request_package(
    *,
    plan_item: PlanItem,
    by: User,
    budget: Budget,
    purpose: str,
    description: str,
    amount: Decimal,
    recurrence: str = Recurrence.ONE_OFF,
    payments: int = 1,
) -> SupportPackage:
    """The coordinator asks for money for one part of a held conference's plan (the view checked who may)."""
    if not Conference.objects.filter(pk=plan_item.plan.conference_id, status=ConferenceStatus.HELD).exists():
        raise ValidationError("Support packages are requested for the plan of a held conference.")
    if recurrence == Recurrence.ONE_OFF:
        payments = 1
    package = SupportPackage(
        plan_item=plan_item,
        budget=budget,
        purpose=purpose,
        description=description.strip(),
        amount=amount,
        recurrence=recurrence,
        payments=payments,
        requested_by=by,
    )
    package.full_clean()
    # A request no one could finish approving would wait for ever: say so now instead.
    needed = approvals_needed(package.total)
    able = _chain(plan_item.plan.conference.referral.family.team_id).exclude(pk=by.pk).count()
    if able < needed:
        raise ValidationError(
            {
                "amount": f"£{package.total:,.2f} needs the approval of {needed} "
                f"manager{'s' if needed > 1 else ''} other than you, and {able or 'no one'} "
                f"{'can' if able != 1 else 'manager can'} approve packages for this family's team. "
                "Ask for less, or ask an administrator to add a manager to the team."
            }
        )
    Budget.objects.select_for_update().get(pk=budget.pk)  # one request against a pot at a time
    pot: Any = budgets_with_sums().get(pk=budget.pk)
    if package.total > pot.left - pot.awaiting:
        raise ValidationError({"amount": f"This is more than is left in {pot} (£{pot.left - pot.awaiting:,.2f})."})
    package.save()
    audit.record(action=AuditAction.CREATE, obj=package, detail={"support_package": "requested"})
    _ask_approvers(package, key="requested", headline="A support package awaits your decision.")
    return package


def decision_problem(package: SupportPackage, user: User) -> str:
    """Why this user cannot decide the package now, or ''."""
    if not (user.is_active and user.has_role(Role.MANAGER)):
        return "Only a manager can approve support packages."
    if package.requested_by_id == user.pk:
        return "You asked for this package: another manager must approve it."
    if package.status != PackageStatus.REQUESTED:
        return f"This package is {package.get_status_display().lower()}: there is nothing to decide."
    if any(step.approver_id == user.pk for step in package.approvals.all()):
        return "You have already approved this package: another manager must approve it next."
    return ""


@transaction.atomic
def decide(*, package: SupportPackage, by: User, approved: bool, reason: str = "") -> SupportPackage:
    package = SupportPackage.objects.select_for_update().select_related("requested_by").get(pk=package.pk)
    problem = decision_problem(package, by)
    if problem:
        raise ValidationError(problem)
    if not in_approval_chain(by, package):
        raise ValidationError("Only a manager of the family's team or the FGC manager can decide this package.")
    if not approved and not reason.strip():
        raise ValidationError({"reason": "Give the reason for refusing."})
    level = package.approvals.count() + 1
    if approved and level >= approvals_needed(package.total):
        Budget.objects.select_for_update().get(pk=package.budget_id)  # as request_package: one pot change at a time
        pot: Any = budgets_with_sums().get(pk=package.budget_id)
        if package.total > pot.left:
            raise ValidationError(
                f"{pot} has £{pot.left:,.2f} left, less than this package's £{package.total:,.2f}. "
                "The FGC manager can raise the budget's amount."
            )
    step = ApprovalStep(package=package, level=level, approver=by, approved=approved, reason=reason.strip())
    step.full_clean()
    step.save()
    if not approved:
        package.status = PackageStatus.REFUSED
        headline = "A support package you requested has been refused."
    elif level >= approvals_needed(package.total):
        package.status = PackageStatus.APPROVED
        headline = "A support package you requested has been approved."
    else:
        headline = ""
    package.save(update_fields=["status"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=package,
        detail={"decision": "approved" if approved else "refused", "level": level, "status": package.status},
    )
    if headline:
        _tell(package=package, to=package.requested_by, key=package.status, headline=headline)
    elif approved:
        # One approval of several: the others in the chain are asked for the next.
        _ask_approvers(
            package, key=f"approval-{level + 1}", headline="A support package awaits a further approval from you."
        )
    return package


@transaction.atomic
def mark_paid(*, package: SupportPackage, by: User, amount: Decimal | None = None) -> SupportPackage:
    package = SupportPackage.objects.select_for_update().get(pk=package.pk)
    if not in_approval_chain(by, package):
        raise ValidationError("Only a manager of the family's team or the FGC manager can mark this package paid.")
    if package.status != PackageStatus.APPROVED:
        raise ValidationError("Only an approved package can be marked paid.")
    paid = package.total if amount is None else amount
    if paid <= 0 or paid > package.total:
        raise ValidationError({"amount": "The amount paid must be more than £0 and no more than was approved."})
    package.status = PackageStatus.PAID
    package.paid_amount = paid
    package.save(update_fields=["status", "paid_amount"])
    audit.record(action=AuditAction.UPDATE, obj=package, detail={"paid": str(paid), "at": timezone.now().isoformat()})
    return package


def _decidable(user: User) -> QuerySet[SupportPackage]:
    return (
        packages_visible_to(user)
        .filter(status=PackageStatus.REQUESTED)
        .exclude(requested_by=user)
        .exclude(approvals__approver=user)
    )


def awaiting(user: User) -> list[SupportPackage]:
    """The packages of this manager's approval chain they may decide now: not their own, not already approved."""
    rows = (
        _decidable(user)
        .select_related("budget", "requested_by", "plan_item__plan__conference__referral")
        .prefetch_related("approvals")
        .order_by("requested_at")
    )
    return list(rows)


def awaiting_count(user: User) -> int:
    """How many packages `awaiting` would list: one query, for the home page."""
    return _decidable(user).count()
