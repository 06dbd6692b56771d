"""Forms for recruitment, profiles and checks: they parse and validate; the services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from volunteers import availability
from volunteers.models import (
    Absence,
    ConversationKind,
    DbsCheck,
    DbsDecision,
    Declaration,
    LivedExperience,
    Stage,
    Suitability,
    Volunteer,
    VolunteerRole,
)


class TagsField(forms.CharField):
    """Comma-separated tags ("Polish, Urdu") as a list."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "gender",
    "locality",
    "travel_miles",
    "remote_only",
    "capacity",
    "languages",
    "interests",
    "lived_experience",
]


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    roles = forms.MultipleChoiceField(choices=VolunteerRole.choices, widget=forms.CheckboxSelectMultiple, label="Roles")
    languages = TagsField(required=False, help_text="Separate with commas, e.g. English, Polish.")
    interests = TagsField(
        required=False, label="Skills and interests", help_text="Separate with commas, e.g. football, cooking."
    )
    lived_experience = forms.MultipleChoiceField(
        choices=LivedExperience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    weekly_availability = forms.MultipleChoiceField(
        choices=availability.choices(), widget=forms.CheckboxSelectMultiple, required=False, label="Usually free"
    )

    class Meta:
        model = Volunteer
        fields = PROFILE_FIELDS
        widgets = {"gender": forms.RadioSelect}
        labels = {"travel_miles": "How far they will travel (miles)", "capacity": "How many matches they can hold"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("roles", list(self.instance.applications.values_list("role", flat=True)))
            self.initial.setdefault("weekly_availability", availability.choices_from_mask(self.instance.availability))

    def profile(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
        data["availability"] = availability.mask_from_choices(self.cleaned_data["weekly_availability"])
        return data


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name")
    role = forms.ChoiceField(choices=[("", "All roles"), *VolunteerRole.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "All stages"), *Stage.choices], required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason")


class AbsenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Absence
        fields = ["starts_on", "ends_on", "note"]
        labels = {"starts_on": "First day away", "ends_on": "Last day away"}


class DeclarationForm(forms.ModelForm):  # type: ignore[type-arg]
    case_reference = forms.CharField(
        max_length=30,
        required=False,
        help_text="The family's or care leaver's case reference, if the conflict is with someone Kinfolk knows.",
    )

    class Meta:
        model = Declaration
        fields = ["description", "declared_on"]


class ConversationForm(forms.Form):
    kind = forms.ChoiceField(choices=ConversationKind.choices, widget=forms.RadioSelect, label="Kind")
    held_on = forms.DateField(label="Date")
    notes = forms.CharField(widget=forms.Textarea)
    next_due_on = forms.DateField(label="Next one due")


class CheckForm(forms.Form):
    started_on = forms.DateField(label="Started", help_text="Form sent, interview or course booked.")
    completed_on = forms.DateField(
        required=False, label="Completed", help_text="Form received, interview passed, course attended."
    )
    role = forms.ChoiceField(choices=[("", "Every role"), *VolunteerRole.choices], required=False)
    expires_on = forms.DateField(required=False, label="Expires (if earlier than usual)")
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, role_training: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if role_training:
            self.fields["role"].required = True
            self.fields["role"].choices = VolunteerRole.choices  # type: ignore[attr-defined]  # a ChoiceField
            self.fields["role"].label = "Role the training is for"
        else:
            del self.fields["role"]


class DbsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DbsCheck
        fields = [
            "applied_on",
            "certificate_number",
            "issued_on",
            "level",
            "barred_list_checked",
            "outcome",
            "content_notes",
            "update_service",
            "status_checked_on",
        ]
        widgets = {"level": forms.RadioSelect, "outcome": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.content_purged_on is not None:
            del self.fields["content_notes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") in ("clear", "disclosed") and not (
            data.get("certificate_number") and data.get("issued_on")
        ):
            raise forms.ValidationError("A certificate that is back needs its number and issue date.")
        return data


class DbsDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(DbsDecision.ACCEPTED, DbsDecision.ACCEPTED.label), (DbsDecision.REFUSED, DbsDecision.REFUSED.label)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Why (deleted after 6 months)")


class StatusCheckForm(forms.Form):
    checked_on = forms.DateField(label="Date of the status check", initial=dt.date.today)


class ReferenceRequestForm(forms.Form):
    referee_name = forms.CharField(max_length=120, label="Referee's name")
    referee_email = forms.EmailField(label="Referee's email address")
    relationship = forms.CharField(max_length=120, help_text="e.g. employer, teacher, faith leader.")


class ReferenceReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", "Accept this reference"), ("no", "Do not accept it")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Your decision",
    )
    note = forms.CharField(max_length=300, required=False)


class RefereeForm(forms.Form):
    known_for = forms.CharField(max_length=60, label="How long have you known the applicant?")
    suitable = forms.ChoiceField(
        choices=Suitability.choices,
        widget=forms.RadioSelect,
        label="Would you trust them to work with children and young people?",
    )
    concerns = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Do you know of anything that makes them unsuitable to work with children?",
    )
    statement = forms.CharField(widget=forms.Textarea, label="Your reference")
