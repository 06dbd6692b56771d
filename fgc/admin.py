"""Budget pots, read-only: the FGC manager adds them and sets their amounts on the Budgets page (fgc.views.budgets).

That page keeps a pot from going below what is approved and paid from it and audits every
change; the admin would do neither, so it only shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fgc.models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "financial_year", "amount")
    list_filter = ("financial_year",)
    ordering = ("-financial_year", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
