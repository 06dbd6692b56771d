"""Access-matrix entries for core, accounts (allauth) and the Django admin."""

from __future__ import annotations

from types import SimpleNamespace

from accounts import services
from accounts.models import Role
from tests.access import LOGIN, Entry, Expect, same_for_all, signed_in


def setup(world: SimpleNamespace) -> None:
    world.invitation, world.invitation_token = services.invite_user(
        invited_by=world.ada, email="new.person@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )


def _family_expect() -> dict[str, Expect]:
    return signed_in(404, alice=200, mo=200, gina=200)


ENTRIES = [
    # --- Kinfolk's own pages ----------------------------------------------------
    Entry("core:home", expect=signed_in(200)),
    Entry("families:family_list", expect=signed_in(200)),
    Entry("families:family_detail", kwargs=lambda w: {"pk": w.north_family.pk}, expect=_family_expect()),
    Entry("families:care_leaver_list", expect=signed_in(200)),
    Entry("families:care_leaver_detail", kwargs=lambda w: {"pk": w.north_care_leaver.pk}, expect=_family_expect()),
    Entry("accounts:user_list", expect=signed_in(404, ada=200)),
    Entry("accounts:invite_user", expect=signed_in(404, ada=200)),
    Entry(
        "accounts:revoke_invitation",
        kwargs=lambda w: {"pk": w.invitation.pk},
        method="POST",
        expect=signed_in(404, ada=302),
    ),
    Entry("accounts:audit_log", expect=signed_in(404, ada=200)),
    # Public: the link itself is the credential; signed-in people see the same page.
    Entry("accounts:accept_invitation", kwargs=lambda w: {"token": w.invitation_token}, expect=same_for_all(200)),
    Entry("core:accessibility", expect=same_for_all(200)),
    Entry("core:privacy", expect=same_for_all(200)),
    Entry("core:healthz", expect=same_for_all(200)),
    # --- Accounts (allauth) ----------------------------------------------------------
    Entry("account_login", expect=same_for_all(302, anonymous=200)),
    Entry("account_logout", expect=same_for_all(200, anonymous=302)),
    Entry("account_inactive", expect=same_for_all(200)),
    # Sign-up is closed: accounts come from invitations.
    Entry("account_signup", expect=same_for_all(302, anonymous=200)),
    Entry("account_reauthenticate", expect=signed_in(200)),
    Entry("account_email", expect=signed_in(200)),
    Entry("account_email_verification_sent", expect=same_for_all(200)),
    Entry("account_change_password", expect=signed_in(200)),
    Entry("account_set_password", expect=signed_in(302)),
    Entry("account_reset_password", expect=same_for_all(200)),
    Entry("account_confirm_login_code", expect=same_for_all(302, anonymous=302)),
    Entry("account_confirm_email", kwargs=lambda w: {"key": "not-a-real-key"}, expect=same_for_all(200)),
    Entry("account_reset_password_from_key_done", expect=same_for_all(200)),
    Entry(
        "account_reset_password_from_key",
        kwargs=lambda w: {"uidb36": "1", "key": "not-a-real-key"},
        expect=same_for_all(200),
    ),
    Entry("account_reset_password_done", expect=same_for_all(200)),
    Entry("mfa_index", expect=signed_in(200)),
    Entry("mfa_authenticate", expect=same_for_all(302)),
    Entry("mfa_reauthenticate", expect=signed_in(200, val=302)),
    # allauth asks for the password again (reauthentication) before any change to second factors.
    Entry("mfa_activate_totp", expect=signed_in(302)),
    Entry("mfa_deactivate_totp", expect=signed_in(302, val=404)),
    Entry("mfa_view_recovery_codes", expect=signed_in(404)),
    Entry("mfa_generate_recovery_codes", expect=signed_in(302)),
    Entry("mfa_download_recovery_codes", expect=signed_in(404)),
    Entry("mfa_list_webauthn", expect=signed_in(200)),
    Entry("mfa_add_webauthn", expect=signed_in(302)),
    Entry("mfa_reauthenticate_webauthn", expect=signed_in(302)),
    Entry("mfa_remove_webauthn", kwargs=lambda w: {"pk": 999999}, expect=signed_in(302)),
    Entry("mfa_edit_webauthn", kwargs=lambda w: {"pk": 999999}, expect=signed_in(302)),
    # --- Django admin: staff (administrators) only -------------------------------
    Entry("admin:index", expect={**same_for_all(LOGIN), "ada": 200}),
    # Administrators hold no model permission on case records: no case content by default.
    Entry("admin:families_family_changelist", expect={**same_for_all(LOGIN), "ada": 403}),
    Entry("admin:logout", expect=same_for_all(302, ada=405)),
    Entry("admin:core_auditevent_changelist", expect={**same_for_all(LOGIN), "ada": 200}),
    Entry("admin:core_auditevent_add", expect={**same_for_all(LOGIN), "ada": 403}),
    Entry("admin:*", expect={**same_for_all(LOGIN), "ada": frozenset({200, 302, 403, 404})}),
    Entry("<unnamed django-admin/*", expect={**same_for_all(302), "ada": frozenset({302, 404})}),
]
