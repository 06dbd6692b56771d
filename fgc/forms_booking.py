"""Booking forms: the conference's date, times and venue; venues; a cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from accounts.models import User
from core.localtime import clock_change_problem, local_datetime_or_error
from fgc.models import Venue


class VenueChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (up to {obj.capacity}{'' if obj.accessible else ', not step-free'})"


class BookingForm(forms.Form):
    service_error_fields: ClassVar[dict[str, str]] = {
        "start": "start_time",
        "end": "end_time",
        "information_sharing_ends_at": "sharing_end_time",
    }

    day = forms.DateField(label="Date", help_text="As agreed with the family, for example 27/3/2027.")
    start_time = forms.TimeField(label="Start time", help_text="For example, 10:00.")
    sharing_end_time = forms.TimeField(
        label="Information sharing ends at",
        help_text="Professionals are invited until then; the family's private time follows.",
    )
    end_time = forms.TimeField(label="End time", help_text="When the plan should be agreed, for example 14:00.")
    venue = VenueChoiceField(queryset=Venue.objects.filter(active=True), empty_label="Choose a venue")
    professionals = forms.CharField(
        label="Other professionals to invite",
        help_text="Their Kinfolk email addresses, one a line. You and the referrer are always invited.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_professionals(self) -> list[User]:
        emails = [line.strip().lower() for line in self.cleaned_data["professionals"].splitlines() if line.strip()]
        found = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(f"No Kinfolk user has the email address {unknown[0]}.")
        return list(found.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start_time", "sharing_end_time", "end_time"):
            problem = clock_change_problem(data["day"], data[name]) if data.get("day") and data.get(name) else None
            if problem:
                self.add_error(name, problem)
        start, sharing, end = data.get("start_time"), data.get("sharing_end_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        elif start and end and sharing and not start < sharing <= end:
            self.add_error("sharing_end_time", "Information sharing must end after the start and by the end time.")
        return data

    def times(self) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return (
            local_datetime_or_error(data["day"], data["start_time"], field="start_time"),
            local_datetime_or_error(data["day"], data["end_time"], field="end_time"),
            local_datetime_or_error(data["day"], data["sharing_end_time"], field="sharing_end_time"),
        )


class VenueForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs={"rows": 3}))
    capacity = forms.IntegerField(label="How many people it holds", min_value=2, max_value=200, initial=12)
    accessible = forms.BooleanField(label="Step-free access", required=False, initial=True)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the conference cancelled?",
        max_length=200,
        error_messages={"required": "Say why the conference is cancelled."},
    )
