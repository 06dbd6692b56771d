"""Reads of case records that cross relations, with the need-to-know rules built in."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

from accounts.models import Role
from families.permissions import care_leavers_visible_to, families_visible_to

CASE_RECORD_ROLES = frozenset({Role.PRACTITIONER.value, Role.MANAGER.value, Role.GCS_COORDINATOR.value})


def works_with_case_records(user: Any) -> bool:
    """Practitioners, managers and GCS coordinators find families; other roles reach them elsewhere or not at all."""
    return bool(CASE_RECORD_ROLES & user.role_names)


def case_record_counts(user: Any) -> dict[str, int]:
    """The home page's figures: open families they may see, those allocated to them, care leavers."""
    families = families_visible_to(user).open()  # type: ignore[attr-defined]
    return {
        "open_families": families.count(),
        "my_families": families.filter(allocated_practitioner=user).count(),
        "care_leavers": care_leavers_visible_to(user).count(),
    }


def counted_page(queryset: QuerySet[Any], number: Any, per_page: int) -> Page[Any]:
    """A page of `queryset` and the total, in one query: COUNT(*) OVER () rides on the page's rows.

    Paginator would count first and then fetch the page, running a search's
    conditions twice. A page number past the end falls back, as get_page does, to
    the last page (one more query, only then).
    """
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    rows = list(queryset.annotate(full_count=Window(Count("*")))[start : start + per_page])
    paginator: Paginator[Any] = Paginator(queryset, per_page)
    if rows:
        paginator.count = rows[0].full_count  # type: ignore[misc]  # cached_property, set before it is read
        return Page(rows, wanted, paginator)
    if wanted == 1:
        paginator.count = 0  # type: ignore[misc]
        return Page([], 1, paginator)
    return counted_page(queryset, paginator.num_pages, per_page)
