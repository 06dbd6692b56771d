from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from core import audit
from core.models import (
    AuditEvent,
    CareLeaver,
    Child,
    Family,
    Invitation,
    Locality,
    Team,
    User,
)
from core.permissions import care_leavers_visible_to, families_visible_to


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]  # its stubs require AbstractUser; ours is AbstractBaseUser
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        ("Access", {"fields": ("is_active", "is_staff", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    # is_superuser is deliberately absent: administrators manage accounts, not case content.
    filter_horizontal = ["groups"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "service"]
    search_fields = ["name"]
    filter_horizontal = ["members", "managers"]


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "status", "invited_by", "created_at", "expires_at"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are made on the Users page so the email goes out with them.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "at",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "object_repr",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_email", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
