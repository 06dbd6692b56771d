"""Family and care-leaver pages: search lists and audited detail pages, by need-to-know."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Team
from core import audit
from core.pagination import ByCodePoint, counted_page
from families.forms import FamilySearchForm
from families.permissions import (
    care_leavers_visible_to,
    families_visible_to,
    get_care_leaver_for_user,
    get_family_for_user,
)

PAGE_SIZE = 25
FAMILY_SEARCH_KEY = "kf_family_search"
CARE_LEAVER_SEARCH_KEY = "kf_care_leaver_search"


def _search_data(request: HttpRequest, key: str, fields: tuple[str, ...]) -> tuple[dict[str, str] | None, bool]:
    """Search terms travel by POST and live in the session, never in the URL.

    A child's name typed into a search would otherwise sit in access logs,
    browser history and `next` parameters. Returns the terms to apply, and
    whether the request was a new search (to redirect after a valid one).
    """
    if request.method == "POST":
        return {name: request.POST.get(name, "") for name in fields}, True
    if request.GET.get("clear"):
        request.session.pop(key, None)
    return request.session.get(key), False


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request: HttpRequest) -> HttpResponse:
    visible = families_visible_to(request.user)
    teams = Team.objects.filter(pk__in=visible.values("team_id"))
    data, posted = _search_data(request, FAMILY_SEARCH_KEY, ("q", "team", "level_of_need", "include_closed"))
    form = FamilySearchForm(data, teams=teams)
    if posted and form.is_valid():
        request.session[FAMILY_SEARCH_KEY] = data
        return redirect("families:family_list")
    families = visible.with_list_relations()  # type: ignore[attr-defined]
    if form.is_valid():
        terms = form.cleaned_data
        families = families.search(terms["q"] or "")
        if terms["team"]:
            families = families.filter(team=terms["team"])
        if terms["level_of_need"]:
            families = families.filter(level_of_need=terms["level_of_need"])
        if not terms["include_closed"]:
            families = families.open()
    else:
        families = families.open()
    page = counted_page(families.order_by(ByCodePoint("case_reference")), request.GET.get("page"), PAGE_SIZE)
    return render(request, "families/family_list.html", {"form": form, "page_obj": page, "searched": bool(data)})


@login_required
@require_GET
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        family = get_family_for_user(request.user, pk)
        audit.record_view(request, family)
        context = {
            "family": family,
            "children": list(family.children.all()),
            # A care leaver has their own team and adviser: show only those this user may see.
            "care_leavers": list(care_leavers_visible_to(request.user, family.care_leavers.all())),
            "can_change": request.user.has_perm("families.change_family", family),
        }
    return render(request, "families/family_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def care_leaver_list(request: HttpRequest) -> HttpResponse:
    data, posted = _search_data(request, CARE_LEAVER_SEARCH_KEY, ("q",))
    query = (data or {}).get("q", "").strip()[:100]
    if posted:
        request.session[CARE_LEAVER_SEARCH_KEY] = {"q": query}
        return redirect("families:care_leaver_list")
    care_leavers = care_leavers_visible_to(request.user).select_related("team", "locality", "personal_adviser")
    if query:
        care_leavers = care_leavers.filter(
            Q(reference__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(care_leavers.order_by("reference"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "families/care_leaver_list.html", {"query": query, "page_obj": page})


@login_required
@require_GET
def care_leaver_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        care_leaver = get_care_leaver_for_user(request.user, pk)
        audit.record_view(request, care_leaver)
    return render(request, "families/care_leaver_detail.html", {"care_leaver": care_leaver})
