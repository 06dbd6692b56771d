"""The figures page's period: a GET form that only chooses what is counted."""

from __future__ import annotations

from django import forms


class FiguresForm(forms.Form):
    months = forms.ChoiceField(
        label="Period",
        choices=[("12", "Last 12 months"), ("6", "Last 6 months"), ("3", "Last 3 months")],
    )
