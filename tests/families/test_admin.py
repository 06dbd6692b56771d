"""The Django admin's family form: a database constraint it breaks is reported on the field, in words."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Team, User
from families.models import Family
from tests import factories


def test_a_case_closed_before_it_opened_is_refused_on_the_closing_date(
    client_for: Callable[[User], Client], mo: User, alice: User, north: Team
) -> None:
    # A manager also given admin access to family records (not a default role).
    mo.is_staff = True
    mo.save()
    mo.user_permissions.add(*Permission.objects.filter(codename__in=["view_family", "change_family"]))
    family = factories.make_family(team=north, practitioner=alice, children=0)
    response = client_for(mo).post(
        reverse("admin:families_family_change", args=[family.pk]),
        {
            "case_reference": family.case_reference,
            "family_name": family.family_name,
            "team": north.pk,
            "allocated_practitioner": alice.pk,
            "locality": family.locality_id,
            "level_of_need": family.level_of_need,
            "opened_on": "2026-03-02",
            "closed_on": "2026-03-01",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0",
            "children-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"closed_on": ["The case cannot close before the date it was opened."]}
    assert "is violated" not in response.content.decode()
    assert Family.objects.get(pk=family.pk).closed_on is None
