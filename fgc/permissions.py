"""Who may see and do what in Family Group Conferences.

- The FGC manager sees every referral (triage, allocation, timeliness).
- An FGC coordinator sees the referrals allocated to them.
- The referrer sees the referrals they made; other practitioners of the family's
  team see that a referral exists (status, dates) but not the family network.
- The family network's details are seen only by the allocated coordinator, the
  FGC manager and the referrer (issue 10 §9); every view is audited.
- A support package is seen only by the managers in its approval chain: the
  managers of the family's team (DESIGN.md §1: a manager sees their teams' families
  and approves their support-package spending) and the FGC manager. What they
  decide on (amount, purpose, what is needed and the part of the plan it pays
  for) is what the decision needs, so they see it; any other manager, of another
  team or of none, gets 404 and never finds the package in a list.

An object the user may not see answers 404; one they may see but not change, 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, Team
from accounts.permissions import is_active_user
from families.permissions import families_visible_to
from fgc.models import Referral, SupportPackage


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


def approves_packages(user: Any) -> bool:
    """Managers approve support-package spending; which packages is `packages_visible_to`'s to say."""
    return is_active_user(user) and Role.MANAGER.value in user.role_names


def packages_visible_to(user: Any) -> QuerySet[SupportPackage]:
    """The support packages in whose approval chain the user is: the FGC manager, all; a manager, their teams'.

    A manager's teams are those they manage or belong to, as for the families they
    see (families.permissions). The chain does not narrow as a package is decided:
    the approved and refused packages of their teams stay visible to the managers
    who may be asked why. The requester is not in it unless they are one of these
    (the coordinator follows their request on the conference page).
    """
    if not approves_packages(user):
        return SupportPackage.objects.none()
    if is_fgc_manager(user):
        return SupportPackage.objects.all()
    # The team ids as values read in one query, so the package query stays one simple filter.
    teams = sorted(set(Team.objects.filter(Q(managers=user) | Q(members=user)).values_list("pk", flat=True)))
    return SupportPackage.objects.filter(plan_item__plan__conference__referral__family__team_id__in=teams)


def get_package_for_user(user: Any, pk: int) -> SupportPackage:
    """The package with what its pages show, or 404 for anyone outside its approval chain."""
    return get_object_or_404(
        packages_visible_to(user)
        .select_related("budget", "requested_by", "plan_item__plan__conference__referral")
        .prefetch_related("approvals__approver"),
        pk=pk,
    )


def in_approval_chain(user: Any, package: SupportPackage) -> bool:
    return packages_visible_to(user).filter(pk=package.pk).exists()


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
