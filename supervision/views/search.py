"""Search across the minutes and actions of every GCS group the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core import audit
from core.models import AuditAction
from supervision import forms
from supervision.permissions import groups_visible_to, uses_gcs
from supervision.search import LIMIT, Terms, search_actions, search_entries, snippet

SEARCH_KEY = "kf_gcs_search"
FIELDS = ("words", "case_reference", "owner", "date_from", "date_to")


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    if not uses_gcs(request.user):
        raise Http404
    owners = (
        User.objects.filter(gcs_actions__group__in=groups_visible_to(request.user)).distinct().order_by("full_name")
    )
    data: dict[str, str] | None
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in FIELDS}
    else:
        if request.GET.get("clear"):
            request.session.pop(SEARCH_KEY, None)
        data = request.session.get(SEARCH_KEY)
    form = forms.SearchForm(data, owners=owners)
    if request.method == "POST" and form.is_valid():
        # Words may be a name: keep them out of the address bar, history and access logs.
        request.session[SEARCH_KEY] = data
        return redirect("supervision:search")
    context: dict[str, object] = {"form": form, "searched": bool(data), "limit": LIMIT}
    if data and form.is_valid():
        terms = Terms(**form.cleaned_data)
        if not terms.empty:
            with transaction.atomic():
                entries = list(search_entries(request.user, terms)[:LIMIT])
                actions = list(search_actions(request.user, terms)[:LIMIT])
                # The terms are not kept (they may name a child); what was shown is.
                audit.record(
                    action=AuditAction.VIEW,
                    object_type="supervision.search",
                    request=request,
                    detail={"entries": [e.pk for e in entries], "actions": [a.pk for a in actions]},
                )
            context.update(
                entries=[(entry, snippet(entry.text, terms.words)) for entry in entries],
                actions=actions,
                terms=terms,
            )
    return render(request, "supervision/search.html", context)
