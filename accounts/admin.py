from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import AccountLock, Invitation, Team, User


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "status", "invited_by", "created_at", "expires_at"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are made on the Users page so the email goes out with them.
        return False


@admin.register(AccountLock)
class AccountLockAdmin(admin.ModelAdmin[AccountLock]):
    """Read-only history; locks are lifted on the Users page so the counter is cleared with them."""

    list_display = ["user", "locked_at", "locked_until", "unlocked_at", "unlocked_by"]
    list_select_related = ["user", "unlocked_by"]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = [f.name for f in AccountLock._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccountLock | None = None) -> bool:
        return False
