"""The administrator sets up the support-package budget pots here; everything else goes through the pages."""

from __future__ import annotations

from django.contrib import admin

from fgc.models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "financial_year", "amount")
    list_filter = ("financial_year",)
    ordering = ("-financial_year", "name")
