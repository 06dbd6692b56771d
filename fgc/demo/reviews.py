"""A past referral's review conference: booked by the services (in the future), dated back to when it met, then held.

The demos record conferences held months ago; recording one books its review through
fgc.services.booking as it would today, so a review that has already happened is moved
back to its day before its progress is recorded (which marks it held), as the demos
date back everything else the services stamp `now`.
"""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from diary.models import Meeting
from diary.reminders import sync_meeting_reminders
from fgc.models import Conference, FamilyPlan
from fgc.services import booking, review


def held(plan: FamilyPlan, *, by: User, on: dt.date, progress: dict[int, str]) -> dt.datetime:
    """Hold the plan's review on `on` (at the conference's time and venue); returns when it ended."""
    slot = review.review_slot(plan.conference, on)
    booked = booking.current_review(plan.conference.referral)
    if booked is not None:
        Conference.objects.filter(pk=booked.pk).update(**slot.times())
        if booked.meeting_id is not None:
            Meeting.objects.filter(pk=booked.meeting_id).update(start=slot.start, end=slot.information_sharing_ends_at)
            # Its reminders were due before the new day, long past: none is sent.
            sync_meeting_reminders(Meeting.objects.get(pk=booked.meeting_id))
    review.record_review(plan=plan, by=by, progress=progress)
    return slot.end
