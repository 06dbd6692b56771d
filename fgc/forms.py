"""Forms parse and validate; the services in fgc.services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from core.localtime import clock_change_problem, local_datetime_or_error
from families.models import Child
from fgc.models import KeyDateKind, ReferralReason, Urgency


class ChildrenField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}, born {obj.date_of_birth:%-d %B %Y}"


class ReferralForm(forms.Form):
    children = ChildrenField(
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the children the conference is about."},
    )
    reason = forms.ChoiceField(
        label="Why is the family being referred?",
        choices=ReferralReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the family is being referred."},
    )
    reason_detail = forms.CharField(
        label="More about the reason", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_date = forms.DateField(
        label="Date the conference should happen before",
        required=False,
        help_text="The ICPC or court date, if there is one.",
    )
    key_date_kind = forms.ChoiceField(
        label="What is that date?", choices=KeyDateKind.choices, required=False, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect)
    consent_given_by = forms.CharField(
        label="Who gave consent to the referral?",
        max_length=120,
        help_text="For example, 'Mother and father'. A referral needs parental consent.",
        error_messages={"required": "Enter who gave consent to the referral."},
    )
    consent_given_on = forms.DateField(label="When was consent given?")
    bottom_lines = forms.CharField(
        label="Bottom lines",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What children's services need any family plan to achieve.",
        error_messages={"required": "Enter the bottom lines the family's plan must meet."},
    )
    questions_for_family = forms.CharField(
        label="Questions for the family", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    interpreter_language = forms.CharField(label="Interpreter needed for", required=False, max_length=60)
    access_needs = forms.CharField(label="Access needs", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = children

    def clean_consent_given_on(self) -> dt.date:
        from django.utils import timezone

        day: dt.date = self.cleaned_data["consent_given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or earlier.")
        return day


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason."},
    )


class CoordinatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AllocateForm(forms.Form):
    coordinator = CoordinatorChoiceField(
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select a coordinator."},
    )

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = coordinators


class MeetingForm(forms.Form):
    service_error_fields: ClassVar[dict[str, str]] = {"start": "start_time", "end": "end_time"}

    day = forms.DateField(label="Date")
    start_time = forms.TimeField(label="Start time", help_text="For example, 10:00.")
    end_time = forms.TimeField(label="End time", help_text="For example, 11:00.")
    location = forms.CharField(label="Where", required=False, max_length=300)
    online_url = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start_time", "end_time"):
            problem = clock_change_problem(data["day"], data[name]) if data.get("day") and data.get(name) else None
            if problem:
                self.add_error(name, problem)
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "The end time must be after the start time.")
        return data

    def start_end(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return (
            local_datetime_or_error(data["day"], data["start_time"], field="start_time"),
            local_datetime_or_error(data["day"], data["end_time"], field="end_time"),
        )


class ConsentForm(forms.Form):
    consent_given_by = forms.CharField(
        label="Who gave consent again?",
        max_length=120,
        error_messages={"required": "Enter who gave consent again."},
    )
