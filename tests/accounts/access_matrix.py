"""Access-matrix entries for accounts: the administrator's pages, invitations and allauth."""

from __future__ import annotations

from types import SimpleNamespace

from accounts import services
from accounts.models import Role
from tests.access import Entry, same_for_all, signed_in


def setup(world: SimpleNamespace) -> None:
    world.invitation, world.invitation_token = services.invite_user(
        invited_by=world.ada, email="new.person@example.gov.uk", full_name="New Person", roles=[Role.PRACTITIONER]
    )


ENTRIES = [
    Entry("accounts:user_list", expect=signed_in(404, ada=200)),
    Entry("accounts:invite_user", expect=signed_in(404, ada=200)),
    Entry(
        "accounts:revoke_invitation",
        kwargs=lambda w: {"pk": w.invitation.pk},
        method="POST",
        expect=signed_in(404, ada=302),
    ),
    # Ada is told Alice is not locked and sent back to the Users page; everyone else gets 404.
    Entry(
        "accounts:unlock_user",
        kwargs=lambda w: {"pk": w.alice.pk},
        method="POST",
        expect=signed_in(404, ada=302),
    ),
    Entry("accounts:audit_log", expect=signed_in(404, ada=200)),
    # Public: the link itself is the credential; signed-in people see the same page.
    Entry("accounts:accept_invitation", kwargs=lambda w: {"token": w.invitation_token}, expect=same_for_all(200)),
    # --- Accounts (allauth) ----------------------------------------------------------
    Entry("account_login", expect=same_for_all(302, anonymous=200)),
    Entry("account_logout", expect=same_for_all(200, anonymous=302)),
    Entry("account_inactive", expect=same_for_all(200)),
    # Sign-up is closed: accounts come from invitations.
    Entry("account_signup", expect=same_for_all(302, anonymous=200)),
    Entry("account_reauthenticate", expect=signed_in(200)),
    # Reauthentication by an emailed code (allauth 65.22) is switched off: the password confirms.
    Entry("account_request_reauthentication_code", expect=signed_in(403)),
    Entry("account_confirm_reauthentication_code", expect=signed_in(403)),
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
]
