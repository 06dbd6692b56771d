from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from core import audit
from families.models import CareLeaver, Child, Family, Locality
from families.permissions import care_leavers_visible_to, families_visible_to


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin[Locality]):
    list_display = ["name", "code", "latitude", "longitude"]
    search_fields = ["name", "code"]


class AuditedCaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # shared by two model admins
    """Opening a case record in the admin is a read of case data, audited like the site's pages."""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        with transaction.atomic():
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit.record_view(request, obj, page="admin")
            return super().change_view(request, object_id, form_url, extra_context)


class ChildInline(admin.TabularInline[Child, Family]):
    model = Child
    extra = 0


@admin.register(Family)
class FamilyAdmin(AuditedCaseAdmin):
    """Same need-to-know rules as the site: an administrator without a team sees no families."""

    list_display = ["case_reference", "team", "level_of_need", "opened_on", "closed_on"]
    list_filter = ["level_of_need", "team"]
    search_fields = ["case_reference"]
    inlines = [ChildInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Family]:
        return families_visible_to(request.user, super().get_queryset(request))


@admin.register(CareLeaver)
class CareLeaverAdmin(AuditedCaseAdmin):
    list_display = ["reference", "team"]
    search_fields = ["reference"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CareLeaver]:
        return care_leavers_visible_to(request.user, super().get_queryset(request))
