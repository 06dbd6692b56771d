"""Pagination that counts and fetches a page in one query."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


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
        paginator.count = rows[0].full_count  # cached_property: set before it is read
        return Page(rows, wanted, paginator)
    if wanted == 1:
        paginator.count = 0
        return Page([], 1, paginator)
    return counted_page(queryset, paginator.num_pages, per_page)
