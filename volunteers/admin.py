"""The administrator edits each role's recruitment requirements here; everything else goes through the pages."""

from __future__ import annotations

from django.contrib import admin

from volunteers.models import Requirement


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("role", "kind", "position", "valid_for_months", "count")
    list_filter = ("role",)
    list_editable = ("position", "valid_for_months", "count")
    ordering = ("role", "position")
