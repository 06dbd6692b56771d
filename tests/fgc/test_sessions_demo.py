"""The demo's booked conference has an accepted FGC Ambassador and the child's preparation sessions planned."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from diary.workdays import previous_working_day
from fgc.models import Conference, ConferenceKind, ConferenceStatus, PreparationSession, SessionStatus


@pytest.mark.usefixtures("clamd")  # the whole demo runs, and the GCS demo uploads a paper, which is scanned
def test_the_demo_plans_the_booked_childs_sessions_once(db) -> None:
    call_command("demo", stdout=StringIO())
    conference = Conference.objects.get(kind=ConferenceKind.INITIAL, status=ConferenceStatus.BOOKED)
    sessions = list(PreparationSession.objects.select_related("voice", "meeting"))
    assert len(sessions) == 3
    assert {s.voice.referral_id for s in sessions} == {conference.referral_id}
    assert all(s.status == SessionStatus.PLANNED and s.meeting is not None for s in sessions)
    assert timezone.localtime(sessions[-1].start).date() <= previous_working_day(
        timezone.localtime(conference.start).date()
    )
    call_command("demo", stdout=StringIO())
    assert PreparationSession.objects.count() == 3
