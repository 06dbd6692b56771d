from __future__ import annotations

from typing import Any

from core.registry import Declared, HomePanel, KinfolkApp, NavItem


class FgcConfig(KinfolkApp):
    name = "fgc"
    verbose_name = "Family Group Conferences"

    def navigation(self, user: Any) -> list[NavItem]:
        from django.urls import reverse

        from accounts.models import Role
        from fgc.permissions import approves_packages, is_fgc_coordinator, makes_referrals

        if not (makes_referrals(user) or user.has_role(Role.FGC_COORDINATOR)):
            return []
        items = [NavItem("Family Group Conferences", reverse("fgc:referral_list"), order=50)]
        if is_fgc_coordinator(user):  # the FGC manager too: the whole service; a coordinator, their own
            items.append(NavItem("FGC figures", reverse("fgc:figures"), order=51))
        if approves_packages(user):  # their teams' packages; the FGC manager's, the whole service's and its budgets
            items.append(NavItem("Support packages", reverse("fgc:package_list"), order=52))
        return items

    def build_demo(self) -> list[str]:
        from fgc.demo import booking, conference, history, preparation, referrals, sessions, stages

        # Referrals, their family networks, the booked conference (with the child's preparation
        # sessions), a held conference's plan, the stages those leave behind (one preparing, one
        # at its review, one closed after its outcomes), then past referrals that ran their
        # course (for the figures).
        return (
            referrals.build()
            + preparation.build()
            + booking.build()
            + sessions.build()
            + conference.build()
            + stages.build()
            + history.build()
        )

    def schedules(self) -> list[Declared]:
        import datetime as dt

        from django_q.models import Schedule

        return [
            # Plans recorded whose on-commit render-and-circulate task was lost.
            Declared("kinfolk.fgc.render_pending_plans", "fgc.tasks.render_pending_plans", Schedule.MINUTES, minutes=5),
            # 6- and 12-month outcomes that have fallen due: the coordinator is prompted once each.
            Declared(
                "kinfolk.fgc.prompt_outcomes_due", "fgc.tasks.prompt_outcomes_due", Schedule.DAILY, at=dt.time(7, 0)
            ),
        ]

    def home_panels(self, user: Any) -> list[HomePanel]:
        from fgc import selectors
        from fgc.models import ReferralStatus
        from fgc.permissions import approves_packages, is_fgc_coordinator, is_fgc_manager, referrals_visible_to
        from fgc.services.support import awaiting_count

        # Support packages this manager may decide now (a team manager's panel; the FGC manager's own shows them).
        to_decide = awaiting_count(user) if approves_packages(user) else 0
        if is_fgc_manager(user):
            at_risk = selectors.at_risk(referrals_visible_to(user))
            waiting = selectors.waiting_list().count()
            return [
                HomePanel(
                    "fgc/includes/_home_manager.html",
                    order=45,
                    context={
                        "at_risk": at_risk[:10],
                        "at_risk_count": len(at_risk),
                        "waiting": waiting,
                        "to_decide": to_decide,
                    },
                )
            ]
        if to_decide:
            return [HomePanel("fgc/includes/_home_packages.html", order=46, context={"to_decide": to_decide})]
        if is_fgc_coordinator(user):
            mine = (
                referrals_visible_to(user)
                .filter(coordinator=user)
                .exclude(status__in=[ReferralStatus.CLOSED, ReferralStatus.DECLINED])
            )
            return [
                HomePanel(
                    "fgc/includes/_home_panel.html",
                    order=70,
                    context={"mine": list(mine.select_related("family")[:20])},
                )
            ]
        return []
