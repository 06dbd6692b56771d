from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Team
from families.models import LevelOfNeed


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
