"""Asking for a volunteer, and the coordinator's filters and decisions on requests."""

from __future__ import annotations

from typing import Any

from django import forms

from families.models import CareLeaver, Child, Family
from families.permissions import care_leavers_visible_to, families_visible_to
from volunteers import availability
from volunteers.models import Gender, VolunteerRole


class CaseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Case references only: names stay in the case record."""

    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Child):
            return f"{obj.first_name} (born {obj.date_of_birth:%Y}), {obj.family.case_reference}"
        return str(obj)


def parse_tags(text: str) -> list[str]:
    return sorted({t.strip() for t in text.replace(";", ",").split(",") if t.strip()}, key=str.lower)


class RequestForm(forms.Form):
    role = forms.ChoiceField(choices=VolunteerRole.choices, widget=forms.RadioSelect)
    family = CaseChoiceField(queryset=Family.objects.none(), required=False, help_text="Or choose a care leaver below.")
    child = CaseChoiceField(queryset=Child.objects.none(), required=False, label="Child (optional)")
    care_leaver = CaseChoiceField(queryset=CareLeaver.objects.none(), required=False)
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="What the support should achieve.")
    needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For the coordinator, to match well. Not shown to the volunteer.",
    )
    needs_summary = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What the volunteer will see",
        help_text=(
            "First names, the area and the needs in a sentence or two. Do not include case detail: "
            "no surnames, addresses, allegations or history."
        ),
    )
    preferred_gender = forms.ChoiceField(
        choices=[("", "No preference"), *[c for c in Gender.choices if c[0] != Gender.NOT_SAID]],
        required=False,
        label="Volunteer's gender",
    )
    preferred_language = forms.CharField(max_length=60, required=False, label="Language the volunteer should speak")
    preferred_times = forms.MultipleChoiceField(
        choices=availability.choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Days and times that suit",
    )
    interests = forms.CharField(required=False, help_text="Separate with commas, for example: football, art, cooking.")
    remote_ok = forms.BooleanField(required=False, label="Phone or video contact would suit")
    wanted_from = forms.DateField(label="Wanted from")
    expected_weeks = forms.IntegerField(min_value=1, max_value=260, initial=26, label="Expected length in weeks")
    consent_given_by = forms.CharField(
        max_length=120, label="Consent given by", help_text="For example: Mother, the young person."
    )
    consent_given_on = forms.DateField(label="Consent given on")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        families = families_visible_to(user).order_by("case_reference")
        self.fields["family"].queryset = families  # type: ignore[attr-defined]
        self.fields["child"].queryset = Child.objects.filter(family__in=families).select_related("family")  # type: ignore[attr-defined]
        self.fields["care_leaver"].queryset = care_leavers_visible_to(user).order_by("reference")  # type: ignore[attr-defined]

    def clean_interests(self) -> list[str]:
        return parse_tags(self.cleaned_data["interests"])

    def clean_preferred_times(self) -> int:
        return availability.mask_from_choices(self.cleaned_data["preferred_times"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("family")) == bool(data.get("care_leaver")):
            raise forms.ValidationError("Choose a family (and, if you like, a child) or a care leaver.")
        child = data.get("child")
        if child is not None and child.family_id != getattr(data.get("family"), "pk", None):
            self.add_error("child", "Choose a child of the family you chose.")
        return data


class RequestFilterForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "All roles"), *VolunteerRole.choices], required=False)


class CloseRequestForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is the request closing?")


class ProposeForm(forms.Form):
    volunteer = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why this volunteer",
        help_text="Needed when you choose someone who is not top of the list.",
    )
