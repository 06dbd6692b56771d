from __future__ import annotations

from typing import Any

from django import forms

from core.models import LevelOfNeed, Role, Team
from core.models.audit import AuditAction


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Case reference, family or child's name",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All teams")
    level_of_need = forms.TypedChoiceField(
        label="Level of need",
        choices=[("", "Any level"), *LevelOfNeed.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    include_closed = forms.BooleanField(label="Include closed cases", required=False)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()  # type: ignore[attr-defined]


class InviteUserForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", help_text="Their council or partner-agency email address")
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one role"},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password",
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The passwords do not match")
        return cleaned


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="User email", required=False, max_length=254)
    action = forms.ChoiceField(
        label="Action",
        choices=[("", "Any action"), *AuditAction.choices],
        required=False,
    )
    object_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=100,
        help_text="For example core.Family",
    )
    object_id = forms.CharField(label="Record ID", required=False, max_length=64)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned
