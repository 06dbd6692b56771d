"""Forms for support packages: they parse and validate; fgc.services.support does the work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from families.models import Child
from fgc.models import Budget, Living, PlanItem, Purpose, Recurrence


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


def _pounds(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount.",
            "invalid": "Enter the amount in pounds, like 25000 or 25000.50.",
            "min_value": "The amount cannot be less than £0.",
            "max_digits": "The amount must be less than £100,000,000.",
            "max_whole_digits": "The amount must be less than £100,000,000.",
            "max_decimal_places": "Enter the amount in pounds and pence, with no more than 2 digits after the point.",
        },
        **kwargs,
    )


class BudgetForm(forms.Form):
    """A new budget pot: its name, the financial year it is for, its amount."""

    name = forms.CharField(
        label="Name of the budget",
        max_length=120,
        error_messages={"required": "Enter the name of the budget."},
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the financial year.", "invalid_choice": "Select the financial year."},
    )
    amount = _pounds("Amount, in pounds")

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["financial_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = years


class BudgetAmountForm(forms.Form):
    amount = _pounds("New amount, in pounds")


class ChildField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}"


class OutcomeForm(forms.Form):
    child = ChildField(
        label="Child",
        queryset=Child.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the child."},
    )
    months_after = forms.TypedChoiceField(
        label="Months after the conference",
        choices=[(6, "6 months"), (12, "12 months")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select 6 or 12 months."},
    )
    living = forms.ChoiceField(
        label="Where is the child living?",
        choices=Living.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the child is living."},
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = children


class ReviewForm(forms.Form):
    """One progress box per part of the plan."""

    service_error_fields: dict[str, str]

    def __init__(self, *args: Any, items: list[PlanItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_error_fields = {}
        self.items = items
        for n, item in enumerate(items, start=1):
            self.fields[f"progress_{item.pk}"] = forms.CharField(
                label=f"Part {n}: {item.what[:100]} ({item.who})",
                required=False,
                initial=item.progress,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if items:
            self.service_error_fields = {"progress": f"progress_{items[0].pk}"}

    def progress(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"progress_{item.pk}", "") for item in self.items}
