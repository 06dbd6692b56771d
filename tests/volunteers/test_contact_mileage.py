"""Mileage logged on contacts becomes claims: offered on the claim page, claimed in one action, never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from families.models import Family
from tests import factories
from tests.volunteers.lifecycle_helpers import match_at, volunteer_for
from volunteers.models import Contact, ContactKind, ContactOutcome, Expense, ExpenseKind, Match, MatchState, Volunteer
from volunteers.services import contacts, expenses

pytestmark = pytest.mark.django_db

CLAIM_PAGE = reverse("volunteers:expense_claim")
CLAIM_CONTACTS = reverse("volunteers:expense_claim_contacts")


def _my_match(val: User, vic: User, family: Family) -> Match:
    TOTP.activate(val, factories.TOTP_SECRET)  # a volunteer with a live match signs in with a second factor
    return match_at(
        MatchState.ACTIVE, coordinator=vic, family=family, volunteer=volunteer_for(val), started_days_ago=60
    )


def _contact(match: Match, miles: str, *, days_ago: int = 1, by: User | None = None, **extra: object) -> Contact:
    by = by or match.volunteer.user
    assert by is not None
    return contacts.log_contact(
        match=match,
        by=by,
        occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
        kind=ContactKind.FACE_TO_FACE,
        miles=Decimal(miles),
        **extra,  # type: ignore[arg-type]
    )


def _others_contact(vic: User, family: Family) -> Contact:
    other = match_at(MatchState.ACTIVE, coordinator=vic, family=family, volunteer=volunteer_for(), started_days_ago=60)
    return _contact(other, "30", by=vic)


def test_the_unclaimed_mileage_is_only_the_volunteers_own_contacts_with_miles_not_yet_claimed(
    val: User, vic: User, north_family: Family
) -> None:
    match = _my_match(val, vic, north_family)
    _contact(match, "12.5", days_ago=3)
    _contact(match, "7", days_ago=2, outcome=ContactOutcome.CANCELLED)  # a wasted journey is still a journey
    _contact(match, "0", days_ago=1)
    _others_contact(vic, north_family)
    me = volunteer_for(val)
    assert expenses.unclaimed_mileage_summary(me) == expenses.UnclaimedMileage(miles=Decimal("19.5"), contacts=2)
    assert [c.miles for c in expenses.unclaimed_contact_mileage(me)] == [Decimal("12.5"), Decimal("7.0")]


def test_claiming_makes_one_mileage_claim_per_contact_linked_to_it_and_audited(
    val: User, vic: User, north_family: Family
) -> None:
    match = _my_match(val, vic, north_family)
    first, second = _contact(match, "12.5", days_ago=3), _contact(match, "7", days_ago=2)
    me = volunteer_for(val)
    claims = expenses.claim_contact_mileage(volunteer=me, contacts=[second, first], by=val)
    assert [(c.contact, c.miles, c.amount, c.kind, c.match) for c in claims] == [
        (first, Decimal("12.5"), Decimal("5.63"), ExpenseKind.MILEAGE, match),
        (second, Decimal("7"), Decimal("3.15"), ExpenseKind.MILEAGE, match),
    ]
    assert [c.incurred_on for c in claims] == [first.occurred_on, second.occurred_on]
    assert north_family.family_name not in " ".join(c.description for c in claims)
    assert expenses.unclaimed_mileage_summary(me) == expenses.UnclaimedMileage(miles=Decimal("0"), contacts=0)
    assert AuditEvent.objects.filter(action="create", object_type="volunteers.Expense").count() == 2


def test_contact_mileage_is_priced_at_45p_to_10000_miles_in_the_tax_year_then_25p(
    val: User, vic: User, north_family: Family
) -> None:
    match = _my_match(val, vic, north_family)
    me = volunteer_for(val)
    day = timezone.localdate() - dt.timedelta(days=1)
    expenses.claim_mileage(volunteer=me, incurred_on=day, miles=Decimal(9990), description="Earlier", by=val)
    eight, twelve = _contact(match, "8", days_ago=1), _contact(match, "12", days_ago=1)
    claims = expenses.claim_contact_mileage(volunteer=me, contacts=[eight, twelve], by=val)
    # 8 at 45p (9,998 claimed), then 2 at 45p and 10 at 25p: each line counts the ones before it.
    assert [c.amount for c in claims] == [Decimal("3.60"), Decimal("3.40")]
    assert expenses.miles_claimed_in_tax_year(me, day) == Decimal(10010)


def test_claiming_again_claims_nothing_more(val: User, vic: User, north_family: Family) -> None:
    match = _my_match(val, vic, north_family)
    contact = _contact(match, "10")
    me = volunteer_for(val)
    assert len(expenses.claim_contact_mileage(volunteer=me, contacts=[contact], by=val)) == 1
    assert expenses.claim_contact_mileage(volunteer=me, contacts=[contact], by=val) == []
    assert Expense.objects.filter(contact=contact).count() == 1


def test_the_database_refuses_a_second_claim_on_a_contact(val: User, vic: User, north_family: Family) -> None:
    match = _my_match(val, vic, north_family)
    contact = _contact(match, "10")
    me = volunteer_for(val)
    (claim,) = expenses.claim_contact_mileage(volunteer=me, contacts=[contact], by=val)
    again = Expense(
        volunteer=me,
        contact=contact,
        kind=ExpenseKind.MILEAGE,
        incurred_on=contact.occurred_on,
        miles=contact.miles,
        amount=Decimal("4.50"),
        description="Again",
    )
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    assert refused.value.message_dict["contact"] == ["The miles of this contact have already been claimed."]
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert list(Expense.objects.filter(contact=contact)) == [claim]


def test_only_mileage_is_claimed_from_a_contact(val: User, vic: User, north_family: Family) -> None:
    contact = _contact(_my_match(val, vic, north_family), "10")
    receipt = Expense(
        volunteer=volunteer_for(val),
        contact=contact,
        kind=ExpenseKind.RECEIPT,
        incurred_on=contact.occurred_on,
        amount=Decimal("4.50"),
        description="Parking",
        receipt="volunteers/receipts/1/x.pdf",
    )
    with pytest.raises(ValidationError, match="Only mileage is claimed from a contact"):
        receipt.full_clean()


def test_the_service_refuses_another_volunteers_contact_and_claims_none(
    val: User, vic: User, north_family: Family
) -> None:
    mine = _contact(_my_match(val, vic, north_family), "10")
    theirs = _others_contact(vic, north_family)
    with pytest.raises(ValidationError, match="your own contacts"):
        expenses.claim_contact_mileage(volunteer=volunteer_for(val), contacts=[mine, theirs], by=val)
    assert not Expense.objects.exists()


# -- the pages ---------------------------------------------------------------------------------


def test_the_claim_page_offers_the_unclaimed_miles_and_one_post_claims_them_all(
    val: User, vic: User, north_family: Family
) -> None:
    match = _my_match(val, vic, north_family)
    first, second = _contact(match, "12.5", days_ago=3), _contact(match, "7", days_ago=2)
    client = factories.login(Client(), val)
    page = client.get(CLAIM_PAGE).content.decode()
    assert "19.5 miles from 2 contacts not yet claimed" in page
    assert "19.5 miles from 2 contacts not yet claimed" in client.get(reverse("volunteers:portal")).content.decode()
    response = client.post(CLAIM_CONTACTS, {"contact": [first.pk, second.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteers:portal")
    assert "Mileage claimed: 19.5 miles from 2 contacts, £8.78." in response.content.decode()
    assert sorted(Expense.objects.values_list("contact", flat=True)) == [first.pk, second.pk]
    assert "not yet claimed" not in client.get(CLAIM_PAGE).content.decode()


def test_a_double_post_claims_each_contact_once(val: User, vic: User, north_family: Family) -> None:
    match = _my_match(val, vic, north_family)
    contact = _contact(match, "10")
    client = factories.login(Client(), val)
    client.post(CLAIM_CONTACTS, {"contact": [contact.pk]})
    again = client.post(CLAIM_CONTACTS, {"contact": [contact.pk]}, follow=True)
    assert "The miles from those contacts have already been claimed." in again.content.decode()
    assert Expense.objects.filter(contact=contact).count() == 1


def test_a_volunteer_posting_another_volunteers_contact_gets_404_and_nothing_is_claimed(
    val: User, vic: User, north_family: Family
) -> None:
    mine = _contact(_my_match(val, vic, north_family), "10")
    theirs = _others_contact(vic, north_family)
    client = factories.login(Client(), val)
    assert client.post(CLAIM_CONTACTS, {"contact": [mine.pk, theirs.pk]}).status_code == 404
    assert client.post(CLAIM_CONTACTS, {"contact": [theirs.pk]}).status_code == 404
    assert client.post(CLAIM_CONTACTS, {"contact": [999_999]}).status_code == 404
    assert not Expense.objects.exists()


def test_a_coordinator_cannot_claim_a_volunteers_contact_miles(val: User, vic: User, north_family: Family) -> None:
    contact = _contact(_my_match(val, vic, north_family), "10")
    assert factories.login(Client(), vic).post(CLAIM_CONTACTS, {"contact": [contact.pk]}).status_code == 404
    assert not Expense.objects.exists()


def test_a_post_without_contacts_or_with_nonsense_says_so_and_claims_nothing(
    val: User, vic: User, north_family: Family
) -> None:
    _contact(_my_match(val, vic, north_family), "10")
    client = factories.login(Client(), val)
    empty = client.post(CLAIM_CONTACTS, {}, follow=True)
    assert "There are no miles from your contacts to claim." in empty.content.decode()
    nonsense = client.post(CLAIM_CONTACTS, {"contact": ["one"]}, follow=True)
    assert "Choose contacts to claim mileage for." in nonsense.content.decode()
    assert not Expense.objects.exists()


def test_the_miles_of_an_ended_match_can_still_be_claimed(val: User, vic: User, north_family: Family) -> None:
    from volunteers.models import EndingReason
    from volunteers.services import lifecycle

    match = _my_match(val, vic, north_family)
    contact = _contact(match, "10")
    lifecycle.end_match(
        match=match,
        reason=EndingReason.FAMILY_ENDED,
        goals_met=True,
        planned=False,
        ended_on=timezone.localdate(),
        by=vic,
    )
    client = factories.login(Client(), val)
    assert "10 miles from 1 contact not yet claimed" in client.get(CLAIM_PAGE).content.decode()
    assert client.post(CLAIM_CONTACTS, {"contact": [contact.pk]}).status_code == 302
    assert Expense.objects.get().contact == contact
    assert Volunteer.objects.get(user=val).expenses.count() == 1
