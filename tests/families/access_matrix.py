"""Access-matrix entries for families and care leavers: need-to-know, 404 to everyone else."""

from __future__ import annotations

from tests.access import LOGIN, Entry, Expect, same_for_all, signed_in


def _family_expect() -> dict[str, Expect]:
    return signed_in(404, alice=200, mo=200, gina=200)


ENTRIES = [
    Entry("families:family_list", expect=signed_in(200)),
    Entry("families:family_detail", kwargs=lambda w: {"pk": w.north_family.pk}, expect=_family_expect()),
    Entry("families:care_leaver_list", expect=signed_in(200)),
    Entry("families:care_leaver_detail", kwargs=lambda w: {"pk": w.north_care_leaver.pk}, expect=_family_expect()),
    # Administrators hold no model permission on case records: no case content by default.
    Entry("admin:families_family_changelist", expect={**same_for_all(LOGIN), "ada": 403}),
]
