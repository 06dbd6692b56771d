"""Who may see and do what in Family Group Conferences.

- The FGC manager sees every referral (triage, allocation, timeliness).
- An FGC coordinator sees the referrals allocated to them.
- The referrer sees the referrals they made; other practitioners of the family's
  team see that a referral exists (status, dates) but not the family network.
- The family network's details are seen only by the allocated coordinator, the
  FGC manager and the referrer (issue 10 §9); every view is audited.

An object the user may not see answers 404; one they may see but not change, 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from accounts.permissions import is_active_user
from families.permissions import families_visible_to
from fgc.models import Referral


def is_fgc_manager(user: Any) -> bool:
    """Until accounts has an FGC manager role, the FGC manager is an FGC coordinator who is also a manager."""
    return is_active_user(user) and {Role.FGC_COORDINATOR.value, Role.MANAGER.value} <= user.role_names


def is_fgc_coordinator(user: Any) -> bool:
    return is_active_user(user) and Role.FGC_COORDINATOR.value in user.role_names


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    if not is_active_user(user):
        return Referral.objects.none()
    if is_fgc_manager(user):
        return Referral.objects.all()
    condition = Q(referred_by=user)
    if is_fgc_coordinator(user):
        condition |= Q(coordinator=user)
    if user.role_names & {Role.PRACTITIONER.value, Role.MANAGER.value}:
        condition |= Q(family__in=families_visible_to(user).values("pk"))
    return Referral.objects.filter(condition)


def sees_network(user: Any, referral: Referral) -> bool:
    """The family network: the allocated coordinator, the FGC manager and the referrer only."""
    return is_active_user(user) and (
        is_fgc_manager(user) or user.pk in (referral.coordinator_id, referral.referred_by_id)
    )


def get_referral_for_user(user: Any, pk: int) -> Referral:
    return get_object_or_404(referrals_visible_to(user).select_related("family", "coordinator", "referred_by"), pk=pk)


def makes_referrals(user: Any) -> bool:
    """Practitioners and managers refer the families they work with."""
    return is_active_user(user) and bool(user.role_names & {Role.PRACTITIONER.value, Role.MANAGER.value})


def can_triage(user: Any) -> bool:
    """Accept, decline, allocate: the FGC manager."""
    return is_fgc_manager(user)


def is_allocated_coordinator(user: Any, referral: Referral) -> bool:
    return is_fgc_coordinator(user) and referral.coordinator_id == user.pk


def can_change_consent(user: Any, referral: Referral) -> bool:
    """Consent is withdrawn (or given again) through the referrer, the coordinator or the FGC manager."""
    return sees_network(user, referral)


def prepares(user: Any, referral: Referral) -> bool:
    """Who changes the network, logs visits and records the children's views: the coordinator or the FGC manager."""
    return is_allocated_coordinator(user, referral) or is_fgc_manager(user)


@dataclass(frozen=True)
class FiguresScope:
    """Whose referrals the FGC figures count: the whole service (no coordinator), or one coordinator's allocations."""

    coordinator_id: int | None = None

    @property
    def whole_service(self) -> bool:
        return self.coordinator_id is None

    def referrals(self, path: str = "") -> Q:
        """The referrals in scope, reached from another model along `path` (e.g. "conference__referral__")."""
        return Q() if self.coordinator_id is None else Q(**{f"{path}coordinator_id": self.coordinator_id})


def figures_scope(user: Any) -> FiguresScope:
    """The FGC manager sees the whole service's figures; an FGC coordinator, those of their own allocations.

    Why a coordinator sees figures at all: DESIGN.md gives them the referrals allocated to
    them, and every number here is counted from those referrals, so the page shows nothing
    they could not already open one referral at a time. What it adds is their own
    timeliness (days to the first meeting and to the conference, conferences held before
    the ICPC date), which they are asked to keep. Comparing coordinators, or the service as
    a whole, stays with the FGC manager. The budget pots' sizes are not case data (the
    coordinator sees what is left in each when requesting a package); the spend counted
    against them is the coordinator's own referrals'. Everyone else: 404.
    """
    if is_fgc_manager(user):
        return FiguresScope()
    if is_fgc_coordinator(user):
        return FiguresScope(coordinator_id=user.pk)
    raise Http404
