"""The FGC manager's budget pots: each with what is approved, paid, awaiting and left; add one, change its amount."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.formerrors import add_errors
from fgc.forms_support import BudgetAmountForm, BudgetForm
from fgc.permissions import is_fgc_manager
from fgc.services import budgets as services
from fgc.services.support import budgets_with_sums
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])


def _fgc_manager(request: HttpRequest) -> User:
    """The pots' sizes are not case data, but setting them is the FGC manager's alone: anyone else, 404."""
    user = user_of(request)
    if not is_fgc_manager(user):
        raise Http404
    return user


@login_required
@GET_POST
def budget_list(request: HttpRequest) -> HttpResponse:
    user = _fgc_manager(request)
    years = [(year, services.financial_year_label(year)) for year in services.financial_years()]
    form = BudgetForm(request.POST or None, years=years, initial={"name": services.DEFAULT_NAME})
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.add_budget(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            label = services.financial_year_label(budget.financial_year)
            messages.success(request, f"{budget.name} for {label} added: £{budget.amount:,.2f}.")
            return redirect("fgc:budget_list")
    return render(request, "fgc/support/budgets.html", {"form": form, "budgets": list(budgets_with_sums())})


@login_required
@GET_POST
def budget_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = _fgc_manager(request)
    pot = budgets_with_sums().filter(pk=pk).first()
    if pot is None:
        raise Http404
    floor = pot.committed + pot.spent  # type: ignore[attr-defined]  # annotated by budgets_with_sums
    form = BudgetAmountForm(request.POST or None, initial={"amount": pot.amount})
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.change_amount(budget=pot, amount=form.cleaned_data["amount"], by=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{budget} is now £{budget.amount:,.2f}.")
            return redirect("fgc:budget_list")
    return render(
        request,
        "fgc/support/budget_change.html",
        {
            "form": form,
            "pot": pot,
            "year": services.financial_year_label(pot.financial_year),
            "hint": f"It cannot be less than £{floor:,.2f}, which is already approved or paid. A request awaiting "
            "approval that no longer fits cannot be approved until the amount is raised again.",
        },
    )
