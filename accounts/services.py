"""Writes to accounts. Views, commands and the admin all come through here."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts import emails, lockout
from accounts.models import AccountLock, Invitation, Role, Team, User, hash_token
from core import audit
from core.models import AuditAction


def invite_user(
    *,
    invited_by: User,
    email: str,
    full_name: str,
    roles: Iterable[Role | str],
    teams: Iterable[Team] = (),
) -> tuple[Invitation, str]:
    """Create a single-use invitation and email its link. Returns the invitation and the raw token."""
    email = email.strip().lower()
    role_values = sorted({Role(r).value for r in roles})
    if not role_values:
        raise ValidationError({"roles": "Choose at least one role."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # A new invitation replaces any still pending for the same address.
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        invitation = Invitation(
            email=email,
            full_name=full_name.strip(),
            roles=role_values,
            token_hash=hash_token(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.KINFOLK_INVITATION_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        invitation.teams.set(list(teams))
        audit.record(action=AuditAction.INVITE, obj=invitation, detail={"roles": role_values})
        link = settings.SITE_URL + reverse("accounts:accept_invitation", kwargs={"token": token})
        # An outbox row in this transaction: a rolled-back invitation sends nothing.
        emails.send_invitation(invitation=invitation, link=link)
    return invitation, token


def find_usable_invitation(token: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def accept_invitation(*, token: str, password: str) -> User:
    """Turn a usable invitation into an account with the invited roles and teams.

    The email address counts as verified: only its owner could follow the link.
    Locks the invitation row so two submissions cannot both create the account.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
        if invitation is None or not invitation.is_usable:
            raise ValidationError("This invitation link has expired or has already been used.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account for this email address already exists.")
        user = User(email=invitation.email, full_name=invitation.full_name)
        validate_password(password, user)
        user.set_password(password)
        user.is_staff = Role.ADMINISTRATOR.value in invitation.roles
        user.full_clean()
        user.save()
        user.groups.set(Group.objects.filter(name__in=invitation.roles))
        for team in invitation.teams.all():
            team.members.add(user)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def lock_account(*, user: User) -> AccountLock | None:
    """Lock `user`'s sign-in after too many wrong passwords, and tell them by email.

    Called by the sign-in adapter when the per-account counter fills. Two web
    processes can see the same full counter at once (two wrong passwords in
    flight), so the user's row is locked first and an existing active lock is
    kept: one lock, one audit row and one email per lock, not per attempt.
    Returns the new lock, or None if one was already in force.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).get()
        if AccountLock.objects.active().filter(user=user).exists():
            return None
        now = timezone.now()
        lock = AccountLock(
            user=user, locked_at=now, locked_until=now + lockout.lock_duration(), failures=lockout.failures_allowed()
        )
        lock.full_clean()
        lock.save()  # audited as a create (accounts/signals.py)
        emails.send_account_locked(lock=lock)
    return lock


def unlock_account(*, request: HttpRequest, user: User, unlocked_by: User) -> AccountLock:
    """Lift `user`'s active sign-in lock and empty their wrong-password counter.

    `request` is needed only because allauth keys the counter by the site's host name.
    """
    with transaction.atomic():
        lock = AccountLock.objects.select_for_update().active().filter(user=user).first()
        if lock is None:
            raise ValidationError(f"{user.email} is not locked.")
        lock.unlocked_at = timezone.now()
        lock.unlocked_by = unlocked_by
        lock.full_clean()
        lock.save(update_fields=["unlocked_at", "unlocked_by"])  # audited as an update
        # Without this the cache would refuse the user until its window ran out.
        lockout.clear_failures(request, user)
    return lock


@transaction.atomic
def anonymise_user(*, user: User) -> None:
    """Retention: the account of someone whose records were anonymised keeps no name, address or way in.

    The row stays (audit events and other records point at it), inactive, with a
    placeholder name and an address that cannot receive mail; its email addresses,
    roles and authenticators are gone.
    """
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update().get(pk=user.pk)
    user.full_name = f"Former user {user.pk}"
    user.job_title = ""
    user.email = f"anonymised-user-{user.pk}@invalid.example"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # A session still open ends on its next request: an inactive user is signed out by the auth backend.
    audit.record(action=AuditAction.UPDATE, obj=user, detail={"anonymised": True})
