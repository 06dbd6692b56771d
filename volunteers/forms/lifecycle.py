"""Forms of the match lifecycle, the portal, expenses and events: parsing and validation only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.localtime import local_datetime_or_error
from volunteers import availability
from volunteers.models import (
    CheckInSide,
    ContactKind,
    ContactOutcome,
    EndingReason,
    EventKind,
    Volunteer,
    VolunteerRole,
)

SCALE = [(n, str(n)) for n in range(1, 6)]


def _tags(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Why are you declining?", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class IntroductionForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput)
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput)
    end_time = forms.TimeField(label="End time", widget=forms.TimeInput)
    location = forms.CharField(label="Where", max_length=300, help_text="A place, not a home address.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) for k in ("day", "start_time", "end_time")):
            start = local_datetime_or_error(data["day"], data["start_time"], field="start_time")
            end = local_datetime_or_error(data["day"], data["end_time"], field="end_time")
            data["start"], data["end"] = start, end
        return data


class StartForm(forms.Form):
    started_on = forms.DateField(label="Date of the first meeting", widget=forms.DateInput)


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="Date of the review", widget=forms.DateInput)
    going_well = forms.TypedChoiceField(
        label="Is the match going well?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class EndForm(forms.Form):
    reason = forms.ChoiceField(label="Why is the match ending?", choices=EndingReason.choices, widget=forms.RadioSelect)
    planned = forms.TypedChoiceField(
        label="Was the ending planned?",
        choices=[("yes", "Yes, with a final contact"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    goals_met = forms.TypedChoiceField(
        label="Were the goals met?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    ended_on = forms.DateField(label="Date it ended", widget=forms.DateInput)
    final_contact_on = forms.DateField(
        label="Date of the final contact", required=False, widget=forms.DateInput, help_text="For a planned ending."
    )
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput)
    kind = forms.ChoiceField(label="How", choices=ContactKind.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label="Did it happen?", choices=ContactOutcome.choices, widget=forms.RadioSelect, initial=ContactOutcome.MADE
    )
    minutes = forms.IntegerField(label="How long, in minutes", min_value=0, max_value=1440, initial=60)
    miles = forms.DecimalField(
        label="Miles travelled", min_value=Decimal("0"), max_digits=6, decimal_places=1, initial=0, required=False
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    concern = forms.CharField(
        label="Safeguarding concern (optional)",
        required=False,
        help_text="Anything that worried you. Your practitioner and coordinator are told at once.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_miles(self) -> Decimal:
        return self.cleaned_data.get("miles") or Decimal("0")


class CheckInForm(forms.Form):
    side = forms.ChoiceField(choices=CheckInSide.choices, widget=forms.HiddenInput)
    going_well = forms.TypedChoiceField(
        label="How well is the match going? (1 not at all, 5 very)", choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    easy_to_meet = forms.TypedChoiceField(
        label="How easy is it to meet regularly?", choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    helping = forms.TypedChoiceField(
        label="How much is the support helping?", choices=SCALE, coerce=int, widget=forms.RadioSelect
    )


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """What a volunteer may change of their own record: the allow-list."""

    ALLOWED = ("phone", "travel_miles", "remote_only")

    languages_text = forms.CharField(label="Languages you speak", required=False, help_text="Separate with commas.")
    interests_text = forms.CharField(
        label="Skills and interests", required=False, help_text="Separate with commas, e.g. football, cooking."
    )
    slots = forms.MultipleChoiceField(
        label="When you are usually free",
        required=False,
        choices=availability.choices(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Volunteer
        fields = ["phone", "travel_miles", "remote_only"]
        labels = {
            "travel_miles": "How far you will travel, in miles",
            "remote_only": "I can only meet by phone or video",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages_text"].initial = ", ".join(self.instance.languages)
        self.fields["interests_text"].initial = ", ".join(self.instance.interests)
        self.fields["slots"].initial = availability.choices_from_mask(self.instance.availability)

    def changes(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.ALLOWED}
        data["languages"] = _tags(self.cleaned_data["languages_text"])
        data["interests"] = _tags(self.cleaned_data["interests_text"])
        data["availability"] = availability.mask_from_choices(self.cleaned_data["slots"])
        return data


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label="First day away", widget=forms.DateInput)
    ends_on = forms.DateField(label="Last day away", widget=forms.DateInput)


class MileageForm(forms.Form):
    incurred_on = forms.DateField(label="Date of the journey", widget=forms.DateInput)
    miles = forms.DecimalField(label="Miles", min_value=Decimal("0.1"), max_digits=7, decimal_places=1)
    description = forms.CharField(label="What the journey was for", max_length=200)


class ReceiptForm(forms.Form):
    incurred_on = forms.DateField(label="Date", widget=forms.DateInput)
    amount = forms.DecimalField(label="Amount, in pounds", min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    description = forms.CharField(label="What it was for", max_length=200)
    receipt = forms.FileField(
        label="Receipt",
        help_text="A photo of the receipt (JPEG or PNG) or a PDF.",
        # `accept` lets a phone offer its camera, and makes an iPhone send its HEIC photos as JPEG.
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"}),
    )


class ContactIdsField(forms.Field):
    """Contact ids posted back from the claim page (one hidden input each)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(item) for item in value or ()})
        except (TypeError, ValueError) as exc:
            raise ValidationError("Choose contacts to claim mileage for.", code="invalid") from exc


class ContactMileageForm(forms.Form):
    contact = ContactIdsField(error_messages={"required": "There are no miles from your contacts to claim."})


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Approve"), ("no", "Do not approve")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Reason (if not approved)", max_length=200, required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of event", choices=EventKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200, help_text="Shown in invites: no children's names.")
    day = forms.DateField(label="Date", widget=forms.DateInput)
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput)
    end_time = forms.TimeField(label="End time", widget=forms.TimeInput)
    location = forms.CharField(label="Where", max_length=300)
    places = forms.IntegerField(label="Volunteer places", min_value=1, max_value=200)
    required_roles = forms.MultipleChoiceField(
        label="Volunteers approved for",
        choices=VolunteerRole.choices,
        initial=[VolunteerRole.RIGHTS_AND_REPS],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) for k in ("day", "start_time", "end_time")):
            start = local_datetime_or_error(data["day"], data["start_time"], field="start_time")
            end = local_datetime_or_error(data["day"], data["end_time"], field="end_time")
            if end <= start:
                self.add_error("end_time", "The event must end after it starts.")
            data["start"], data["end"] = start, end
        return data
