"""Template filters for GCS pages and documents."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def iso_date(value: str | dt.date | None) -> dt.date | None:
    """A date stored as ISO text (as in an approved snapshot) as a date, for the `date` filter."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
