"""Forms for support packages: they parse and validate; fgc.services.support does the work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from fgc.models import Budget, PlanItem, Purpose, Recurrence


class ItemField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.what[:80]} ({obj.who})"


class BudgetField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        left = getattr(obj, "left", None)
        return f"{obj} (£{left:,.2f} left)" if left is not None else str(obj)


class PackageForm(forms.Form):
    plan_item = ItemField(
        label="Which part of the plan is it for?",
        queryset=PlanItem.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the part of the plan the package is for."},
    )
    purpose = forms.ChoiceField(
        label="What is it for?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the package is for."},
    )
    description = forms.CharField(
        label="Describe what is needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe what is needed."},
    )
    amount = forms.DecimalField(
        label="Amount per payment, in pounds",
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        error_messages={"required": "Enter the amount."},
    )
    recurrence = forms.ChoiceField(
        label="How often", choices=Recurrence.choices, initial=Recurrence.ONE_OFF, widget=forms.RadioSelect
    )
    payments = forms.IntegerField(
        label="Number of payments", min_value=1, max_value=52, initial=1, help_text="1 for a one-off payment."
    )
    budget = BudgetField(
        label="Budget",
        queryset=Budget.objects.none(),
        empty_label=None,
        error_messages={"required": "Select a budget."},
    )

    def __init__(self, *args: Any, items: QuerySet[PlanItem], budgets: QuerySet[Budget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("plan_item", items), ("budget", budgets)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or refuse."},
    )
    reason = forms.CharField(
        label="Reason (needed to refuse)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
