from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields


class Role(models.TextChoices):
    """The seven roles of DESIGN.md §1; each is a Django group of the same name."""

    ADMINISTRATOR = "Administrator"
    VOLUNTEER_COORDINATOR = "Volunteer coordinator"
    PRACTITIONER = "Practitioner"
    FGC_COORDINATOR = "FGC coordinator"
    GCS_COORDINATOR = "GCS coordinator"
    MANAGER = "Manager"
    VOLUNTEER = "Volunteer"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(ConstraintErrorsOnFields, AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can reach the Django admin (administrators only).")
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    constraint_fields: ClassVar[dict[str, str]] = {"email_taken": "email"}

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_code="email_taken",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> set[str]:
        # Cached per instance: navigation and permission checks ask many times a request.
        cached: set[str] | None = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names


class Team(models.Model):
    """A team of the children's services department, e.g. Family Safeguarding Team 2."""

    name = models.CharField(max_length=120, unique=True)
    service = models.CharField(max_length=120, blank=True, help_text="e.g. Family Safeguarding")
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    managers = models.ManyToManyField(
        User,
        related_name="managed_teams",
        blank=True,
        help_text="Managers see this team's families and figures.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An administrator's single-use, expiring invitation to create an account.

    Only the SHA-256 of the token is stored, so a database read does not yield
    working links.
    """

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    roles = models.JSONField(default=list, help_text="Role names granted on acceptance.")
    teams = models.ManyToManyField(Team, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Pending"


class AccountLockQuerySet(models.QuerySet["AccountLock"]):
    def active(self, *, now: dt.datetime | None = None) -> AccountLockQuerySet:
        """Locks still in force: not lifted by an administrator and not yet run out."""
        return self.filter(unlocked_at__isnull=True, locked_until__gt=now or timezone.now())


class AccountLock(models.Model):
    """An account's sign-in locked after too many wrong passwords (accounts.lockout).

    One row per lock, kept after it ends, so administrators and the audit trail can
    see who was locked when and who lifted it. While a lock is active the account
    cannot sign in from any address; other accounts behind the same address can.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_locks")
    locked_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(help_text="Wrong passwords that caused the lock.")
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = AccountLockQuerySet.as_manager()

    class Meta:
        ordering = ["-locked_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(locked_until__gt=models.F("locked_at")),
                name="account_lock_ends_after_it_starts",
                violation_error_code="lock_ends_before_it_starts",
                violation_error_message="A sign-in lock must end after it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(unlocked_at__isnull=True) | models.Q(unlocked_by__isnull=False),
                name="account_lock_unlocked_by_someone",
                violation_error_code="unlocked_by_nobody",
                violation_error_message="Say which administrator lifted the lock.",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-in lock on {self.user.email}"
