"""Expenses: the volunteer claims in the portal; the coordinator approves and exports for payment."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat, pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.formerrors import flash_error
from core.models import AuditAction
from core.uploads import stored_content_type
from volunteers.forms.lifecycle import ContactMileageForm, DecisionForm, MileageForm, ReceiptForm
from volunteers.models import Expense, ExpenseStatus
from volunteers.permissions import get_own_contacts, runs_scheme, volunteer_of
from volunteers.services import expenses

GET_POST = require_http_methods(["GET", "POST"])


@login_required
@GET_POST
def expense_claim(request: HttpRequest) -> HttpResponse:
    me = volunteer_of(request.user)
    if me is None:
        raise Http404
    mileage = MileageForm(request.POST if request.POST.get("kind") == "mileage" else None, prefix="m")
    receipt = ReceiptForm(
        request.POST if request.POST.get("kind") == "receipt" else None,
        request.FILES if request.POST.get("kind") == "receipt" else None,
        prefix="r",
    )
    try:
        if mileage.is_bound and mileage.is_valid():
            claim = expenses.claim_mileage(volunteer=me, by=request.user, **mileage.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, f"Mileage claimed: £{claim.amount}.")
            return redirect("volunteers:portal")
        if receipt.is_bound and receipt.is_valid():
            data = receipt.cleaned_data
            expenses.claim_receipt(
                volunteer=me,
                incurred_on=data["incurred_on"],
                amount=data["amount"],
                description=data["description"],
                upload=data["receipt"],
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, "Claim sent for approval.")
            return redirect("volunteers:portal")
    except ValidationError as exc:
        form = mileage if mileage.is_bound else receipt
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error("receipt" if form is receipt else None, exc)
    return render(
        request,
        "volunteers/portal/expense_claim.html",
        {
            "mileage": mileage,
            "receipt": receipt,
            "unclaimed": list(expenses.unclaimed_contact_mileage(me)),
            "unclaimed_summary": expenses.unclaimed_mileage_summary(me),
        },
    )


@login_required
@require_POST
def expense_claim_contacts(request: HttpRequest) -> HttpResponse:
    """Claim the miles logged on the volunteer's contacts shown on the claim page: one claim per contact."""
    me = volunteer_of(request.user)
    if me is None:
        raise Http404
    form = ContactMileageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["contact"]))
        return redirect("volunteers:expense_claim")
    own = get_own_contacts(request.user, form.cleaned_data["contact"])
    try:
        claims = expenses.claim_contact_mileage(volunteer=me, contacts=own, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash_error(request, exc)
        return redirect("volunteers:expense_claim")
    if not claims:
        messages.info(request, "The miles from those contacts have already been claimed.")
        return redirect("volunteers:expense_claim")
    miles = sum((claim.miles for claim in claims), Decimal(0))
    amount = sum((claim.amount for claim in claims), Decimal(0))
    contacts = f"{len(claims)} contact{pluralize(len(claims))}"
    messages.success(request, f"Mileage claimed: {floatformat(miles, -1)} miles from {contacts}, £{amount}.")
    return redirect("volunteers:portal")


@login_required
@require_GET
def expense_queue(request: HttpRequest) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    waiting = Expense.objects.filter(status=ExpenseStatus.SUBMITTED).select_related("volunteer").order_by("incurred_on")
    approved = Expense.objects.filter(status=ExpenseStatus.APPROVED).select_related("volunteer")
    return render(
        request,
        "volunteers/expenses/queue.html",
        {"waiting": waiting, "approved": approved, "form": DecisionForm()},
    )


@login_required
@require_POST
def expense_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    expense = get_object_or_404(Expense, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            expenses.decide_expense(expense=expense, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "Choose approve or do not approve.")
    return redirect("volunteers:expense_queue")


@login_required
@require_POST
def expense_export(request: HttpRequest) -> HttpResponse:
    if not runs_scheme(request.user):
        raise Http404
    text, _count = expenses.export_for_payment(by=request.user)  # type: ignore[arg-type]
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="volunteer-expenses-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@login_required
@require_GET
def expense_receipt(request: HttpRequest, pk: int) -> FileResponse:
    """The receipt, to the coordinator or the volunteer who claimed it. Audited."""
    me = volunteer_of(request.user)
    claims = Expense.objects.exclude(receipt="")
    if me is not None:
        claims = claims.filter(volunteer=me)
    elif not runs_scheme(request.user):
        raise Http404
    expense = get_object_or_404(claims, pk=pk)
    with transaction.atomic():
        audit.record(action=AuditAction.DOWNLOAD, obj=expense, request=request)
    # The stored name ends with the kind its content proved (core.uploads.store_upload).
    kind = expense.receipt.rpartition(".")[2]
    return FileResponse(
        default_storage.open(expense.receipt, "rb"),
        as_attachment=True,
        filename=expense.receipt_display_name or f"receipt.{kind}",
        content_type=stored_content_type(expense.receipt),
    )
