"""What each Kinfolk app adds to what core owns: navigation, home-page panels, demo data, periodic jobs.

Core knows no domain, so it never imports an app. An app's AppConfig subclasses
`KinfolkApp` and overrides what it contributes; core asks every installed app, in
INSTALLED_APPS order (lower layers first), and sorts what it shows by `order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import AppConfig, apps
from django.utils import timezone

from core.localtime import LONDON, local_datetime


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # Position in the service navigation; Home is 0.
    order: int


@dataclass(frozen=True)
class HomePanel:
    """A section of the home page: a template under templates/<app>/includes/ and its context."""

    template: str
    order: int
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Declared:
    """A periodic django-q2 job; `manage.py setup_schedules` keeps the database in step by name."""

    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    # For daily jobs: the Europe/London time of the first run (django-q2's cron
    # needs croniter, which Kinfolk does not install).
    at: dt.time | None = None

    def first_run(self) -> dt.datetime:
        now = timezone.now()
        if self.at is None:
            return now
        first = local_datetime(now.astimezone(LONDON).date(), self.at)
        return first if first > now else local_datetime(first.date() + dt.timedelta(days=1), self.at)


class KinfolkApp(AppConfig):
    """Base of every Kinfolk app's AppConfig. Each method is asked per request or per command.

    Methods import their app's modules inside the method body: apps.py is imported
    before models are ready.
    """

    def navigation(self, user: Any) -> list[NavItem]:
        """Service-navigation entries for a signed-in user."""
        return []

    def home_panels(self, user: Any) -> list[HomePanel]:
        """Sections of the home page for a signed-in user."""
        return []

    def schedules(self) -> list[Declared]:
        """Periodic django-q2 jobs of this app, each with a comment saying why it exists."""
        return []

    def requires_second_factor(self, user: Any) -> bool:
        """Must this user sign in with a second factor because of what this app shows them?

        Staff roles always must (accounts.middleware); an app answers for the users it
        lets see case data without a staff role (a volunteer with a live match).
        """
        return False

    def build_demo(self) -> list[str]:
        """Build (or top up) this app's demo data, idempotently; returns lines for `manage.py demo` to print."""
        return []

    def provides(self) -> dict[str, Callable[..., Any]]:
        """Public services other feature apps may call by name without importing this app.

        Feature apps are independent siblings (import-linter forbids imports between
        them); where one must ask another for something (an FGC asks the volunteer
        scheme for an FGC Ambassador), the asking app calls `registry.provided(name)`.
        Each entry's docstring is its contract: keyword-only arguments, plain values.
        """
        return {}


def kinfolk_apps() -> list[KinfolkApp]:
    return [config for config in apps.get_app_configs() if isinstance(config, KinfolkApp)]


def navigation(user: Any) -> list[NavItem]:
    items = [item for app in kinfolk_apps() for item in app.navigation(user)]
    return sorted(items, key=lambda item: item.order)


def home_panels(user: Any) -> list[HomePanel]:
    panels = [panel for app in kinfolk_apps() for panel in app.home_panels(user)]
    return sorted(panels, key=lambda panel: panel.order)


def requires_second_factor(user: Any) -> bool:
    return any(app.requires_second_factor(user) for app in kinfolk_apps())


def provided(name: str) -> Callable[..., Any] | None:
    """The service another app offers under `name`, or None when no installed app offers it."""
    for app in kinfolk_apps():
        service = app.provides().get(name)
        if service is not None:
            return service
    return None


def declared_schedules() -> list[Declared]:
    return [declared for app in kinfolk_apps() for declared in app.schedules()]


def build_demo() -> list[str]:
    """Every app's demo builder, lower layers first (a feature app's demo uses the people and families)."""
    return [line for app in kinfolk_apps() for line in app.build_demo()]
