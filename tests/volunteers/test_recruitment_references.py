"""References: a single-use signed link, chased at 1 and 2 weeks, failed at 3 — on the clock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from tests.volunteers.factories import make_volunteer
from volunteers.models import Reference, ReferenceStatus, VolunteerRole
from volunteers.services import recruitment, references

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


@pytest.fixture
def reference(vic) -> Reference:
    volunteer = make_volunteer(coordinator=vic, first_name="Rhiannon")
    recruitment.set_roles(volunteer=volunteer, roles=[VolunteerRole.CHILD_AND_FAMILY])
    return references.request_reference(
        volunteer=volunteer, by=vic, referee_name="Ruth", referee_email="ruth@example.org", relationship="Employer"
    )


def _emails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=[address]).order_by("pk"))


def test_the_request_email_carries_a_link_to_the_referee_form(reference) -> None:
    (email,) = _emails_to("ruth@example.org")
    assert "Rhiannon" in email.subject
    assert references.link_for(reference).split("/reference/")[0] in email.text


def test_the_referee_gives_a_reference_once_without_signing_in(client, reference) -> None:
    url = reverse("volunteers:reference_respond", kwargs={"token": references.token_for(reference)})
    assert client.get(url).status_code == 200
    data = {"known_for": "4 years", "suitable": "yes", "concerns": "", "statement": "Kind and dependable."}
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"Reference sent" in response.content
    reference.refresh_from_db()
    assert reference.status == ReferenceStatus.RECEIVED
    assert reference.statement == "Kind and dependable."
    assert client.get(url).status_code == 410
    assert client.post(url, {**data, "statement": "Changed my mind"}).status_code == 410
    reference.refresh_from_db()
    assert reference.statement == "Kind and dependable."


def test_a_forged_or_altered_link_is_refused(client, reference) -> None:
    token = references.token_for(reference)
    other_pk = token.replace(f"{reference.pk}:", f"{reference.pk + 1}:", 1)
    for bad in ("nonsense", token[:-2] + "xx", other_pk):
        assert client.get(reverse("volunteers:reference_respond", kwargs={"token": bad})).status_code == 410


def test_the_link_expires_after_three_weeks(client, clock, reference) -> None:
    url = reverse("volunteers:reference_respond", kwargs={"token": references.token_for(reference)})
    clock.advance(20 * DAY)
    assert client.get(url).status_code == 200
    clock.advance(2 * DAY)
    assert client.get(url).status_code == 410


def test_unanswered_references_are_chased_at_one_and_two_weeks_and_fail_at_three(clock, reference, vic) -> None:
    assert references.chase_references() == {"chased": 0, "failed": 0}
    clock.advance(7 * DAY + 60)
    assert references.chase_references() == {"chased": 1, "failed": 0}
    assert references.chase_references() == {"chased": 0, "failed": 0}  # twice is once
    assert ["Reminder" in e.subject for e in _emails_to("ruth@example.org")] == [False, True]
    clock.advance(7 * DAY)
    assert references.chase_references() == {"chased": 1, "failed": 0}
    assert len(_emails_to("ruth@example.org")) == 3
    clock.advance(7 * DAY)
    assert references.chase_references() == {"chased": 0, "failed": 1}
    assert references.chase_references() == {"chased": 0, "failed": 0}
    reference.refresh_from_db()
    assert reference.status == ReferenceStatus.FAILED
    (notice,) = _emails_to(vic.email)
    assert "Ruth" in notice.text and "failed" in notice.text


def test_a_reference_given_before_the_chase_is_not_chased(clock, reference) -> None:
    references.give_reference(
        token=references.token_for(reference), known_for="2 years", suitable="yes", concerns="", statement="Yes."
    )
    clock.advance(15 * DAY)
    assert references.chase_references() == {"chased": 0, "failed": 0}


def test_a_job_that_missed_the_first_chase_sends_one_chase_not_two(clock, reference) -> None:
    clock.advance(15 * DAY)
    assert references.chase_references() == {"chased": 1, "failed": 0}
    assert len(_emails_to("ruth@example.org")) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_link_submitted_twice_at_the_same_moment_gives_one_reference(vic) -> None:
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    volunteer = make_volunteer(coordinator=vic)
    reference = references.request_reference(
        volunteer=volunteer, by=vic, referee_name="Sol", referee_email="sol@example.org", relationship="Coach"
    )
    token = references.token_for(reference)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        try:
            barrier.wait()
            try:
                references.give_reference(
                    token=token, known_for="1 year", suitable="yes", concerns="", statement=f"Version {n}"
                )
                result = "saved"
            except ValidationError:
                result = "refused"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"]
    reference.refresh_from_db()
    assert reference.status == ReferenceStatus.RECEIVED
