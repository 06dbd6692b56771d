"""The recruitment jobs as django-q2 runs them: each calls its service and can run twice."""

from __future__ import annotations

import pytest

from core.secrets_in_text import mask_link_secrets
from tests.volunteers.factories import make_volunteer
from volunteers import tasks
from volunteers.services import references

pytestmark = pytest.mark.django_db


def test_the_nightly_jobs_run_and_run_again_harmlessly(vic) -> None:
    make_volunteer()
    assert tasks.recruitment_nightly() == "lapsed 0, reminders 0, DBS content purged 0"
    assert tasks.chase_references() == "chased 0, failed 0"
    assert tasks.anonymise_due() == "anonymised 0 volunteers, 0 requests"
    assert tasks.anonymise_due() == "anonymised 0 volunteers, 0 requests"


def test_the_referee_link_is_masked_in_the_audit_trail_and_outbox_pages(vic) -> None:
    reference = references.request_reference(
        volunteer=make_volunteer(), by=vic, referee_name="M", referee_email="m@example.org", relationship="Tutor"
    )
    link = references.link_for(reference)
    masked = mask_link_secrets(link)
    assert references.token_for(reference) not in masked
    assert masked.endswith("/volunteers/reference/[hidden]/")
