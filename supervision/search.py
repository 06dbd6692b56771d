"""Finding minutes and actions across every GCS group a user may see.

The same rule as every GCS page (`permissions.groups_visible_to`): a user finds
only what they could open. Results are capped, and the query count does not
grow with the number of results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from core.localtime import local_datetime
from supervision.models import Action, MinutesEntry
from supervision.permissions import groups_visible_to

# Most results of each kind shown; a narrower search finds the rest.
LIMIT = 100


@dataclass(frozen=True)
class Terms:
    words: str = ""
    case_reference: str = ""
    owner: Any = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.case_reference or self.owner or self.date_from or self.date_to)


def _words_filter(words: str, *fields: str) -> Q:
    """Every word must appear, in any of the fields."""
    condition = Q()
    for word in words.split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def _session_dates(prefix: str, terms: Terms) -> Q:
    condition = Q()
    if terms.date_from:
        condition &= Q(**{f"{prefix}__gte": local_datetime(terms.date_from, dt.time(0, 0))})
    if terms.date_to:
        condition &= Q(**{f"{prefix}__lt": local_datetime(terms.date_to + dt.timedelta(days=1), dt.time(0, 0))})
    return condition


def search_entries(user: Any, terms: Terms) -> QuerySet[MinutesEntry]:
    entries = MinutesEntry.objects.filter(item__session__group__in=groups_visible_to(user)).exclude(text="")
    if terms.words:
        entries = entries.filter(_words_filter(terms.words, "text"))
    if terms.case_reference:
        entries = entries.filter(item__family__case_reference__icontains=terms.case_reference)
    if terms.owner:
        entries = entries.filter(item__actions__owner=terms.owner).distinct()
    entries = entries.filter(_session_dates("item__session__start", terms))
    return entries.select_related("item__family", "item__session__group").order_by("-item__session__start", "pk")


def search_actions(user: Any, terms: Terms) -> QuerySet[Action]:
    actions = Action.objects.filter(group__in=groups_visible_to(user))
    if terms.words:
        actions = actions.filter(_words_filter(terms.words, "description"))
    if terms.case_reference:
        actions = actions.filter(family__case_reference__icontains=terms.case_reference)
    if terms.owner:
        actions = actions.filter(owner=terms.owner)
    actions = actions.filter(_session_dates("item__session__start", terms))
    return actions.select_related("owner", "family", "group", "item__session").order_by("-item__session__start", "pk")


def snippet(text: str, words: str, *, width: int = 160) -> str:
    """The part of `text` around the first word searched for, so the result shows why it matched."""
    lower = text.lower()
    positions = [lower.find(word.lower()) for word in words.split()]
    found = [p for p in positions if p >= 0]
    start = max(0, min(found) - width // 3) if found else 0
    part = text[start : start + width].strip()
    return ("…" if start else "") + part + ("…" if start + width < len(text) else "")
