"""Access-matrix entries for core's own pages and the Django admin."""

from __future__ import annotations

from tests.access import LOGIN, Entry, same_for_all, signed_in

ENTRIES = [
    # --- Kinfolk's own pages ----------------------------------------------------
    Entry("core:home", expect=signed_in(200)),
    Entry("core:accessibility", expect=same_for_all(200)),
    Entry("core:privacy", expect=same_for_all(200)),
    Entry("core:healthz", expect=same_for_all(200)),
    # --- Django admin: staff (administrators) only -------------------------------
    Entry("admin:index", expect={**same_for_all(LOGIN), "ada": 200}),
    Entry("admin:logout", expect=same_for_all(302, ada=405)),
    Entry("admin:core_auditevent_changelist", expect={**same_for_all(LOGIN), "ada": 200}),
    Entry("admin:core_auditevent_add", expect={**same_for_all(LOGIN), "ada": 403}),
    Entry("admin:*", expect={**same_for_all(LOGIN), "ada": frozenset({200, 302, 403, 404})}),
    Entry("<unnamed django-admin/*", expect={**same_for_all(302), "ada": frozenset({302, 404})}),
]
