"""Preparation pages: the family network, preparation visits, the children's views, the no-new-news check.

Who reaches them: the allocated coordinator, the FGC manager and the referrer see them
(fgc.permissions.sees_network); only the coordinator and the FGC manager change them.
Anyone else who can see the referral gets 403 (they know it exists, not its network);
anyone who cannot, 404. Every page that shows the network is audited in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit
from core.formerrors import add_errors, flash_error
from families.models import Child
from fgc import forms, selectors
from fgc.models import ChildVoice, NetworkMember, Referral
from fgc.permissions import get_referral_for_user, prepares, sees_network
from fgc.services import child_sessions
from fgc.services import preparation as services
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])


def _network(request: HttpRequest, pk: int, *, change: bool = False) -> Referral:
    referral = get_referral_for_user(request.user, pk)
    if not sees_network(request.user, referral) or (change and not prepares(request.user, referral)):
        raise PermissionDenied
    return referral


def _audited(
    request: HttpRequest, referral: Referral, template: str, context: dict[str, Any], page: str
) -> HttpResponse:
    with transaction.atomic():
        audit.record_view(request, referral, page=page)
        return render(request, template, {"referral": referral, **context})


@login_required
@require_GET
def preparation(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        referral = _network(request, pk)
        audit.record_view(request, referral, page="preparation")
        found = selectors.preparation_of(referral)
        preparer = prepares(request.user, referral)
        # Buttons only where the service would accept the step now (not paused, closed or unallocated).
        can_prepare = preparer and referral.status in services.PREPARATION_STATUSES
        before_the_day = can_prepare and referral.status in services.BEFORE_THE_DAY
        children = [
            {
                "child": child,
                "voice": found.voices.get(child.pk),
                "match": services.ambassador_match(found.voices[child.pk]) if child.pk in found.voices else None,
                "sessions": child_sessions.sessions_state(referral=referral, voice=found.voices.get(child.pk)),
            }
            for child in found.children
        ]
        return render(
            request,
            "fgc/preparation/overview.html",
            {
                "referral": referral,
                "found": found,
                "children": children,
                "preparer": preparer,
                "can_prepare": can_prepare,
                "before_the_day": before_the_day,
                "scheme_available": services.ambassador_scheme_available(),
            },
        )


@login_required
@GET_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    form = forms.NetworkMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_network_member(
                referral=referral, by=user_of(request), details=services.MemberDetails(**form.cleaned_data)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Person added to the family network.")
            return redirect("fgc:preparation", pk=referral.pk)
    return _audited(request, referral, "fgc/preparation/member_form.html", {"form": form}, "network-add")


def _member(referral: Referral, member_pk: int) -> NetworkMember:
    return get_object_or_404(NetworkMember, pk=member_pk, referral=referral)


@login_required
@GET_POST
def member_change(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    member = _member(referral, member_pk)
    initial = {name: getattr(member, name) for name in forms.NetworkMemberForm.base_fields}
    form = forms.NetworkMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_network_member(
                member=member, by=user_of(request), details=services.MemberDetails(**form.cleaned_data)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Details saved.")
            return redirect("fgc:preparation", pk=referral.pk)
    context = {"form": form, "member": member}
    return _audited(request, referral, "fgc/preparation/member_form.html", context, "network-member")


@login_required
@GET_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    member = _member(referral, member_pk)
    if request.method == "POST":
        try:
            services.remove_network_member(member=member, by=user_of(request))
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Person removed from the family network.")
        return redirect("fgc:preparation", pk=referral.pk)
    return _audited(request, referral, "fgc/preparation/member_remove.html", {"member": member}, "network-remove")


@login_required
@GET_POST
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    found = selectors.preparation_of(referral)
    form = forms.VisitForm(
        request.POST or None,
        members=found.members,
        children=found.children,
        initial={"visited_on": timezone.localdate(), "who": request.GET.get("who", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.log_visit(
                referral=referral,
                by=user_of(request),
                visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"],
                **form.visit_with(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Preparation visit logged.")
            return redirect("fgc:preparation", pk=referral.pk)
    return _audited(request, referral, "fgc/preparation/visit_form.html", {"form": form}, "visit-add")


def _child(referral: Referral, child_pk: int) -> Child:
    return get_object_or_404(referral.children.all(), pk=child_pk)


@login_required
@GET_POST
def child_voice(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    child = _child(referral, child_pk)
    voice = ChildVoice.objects.filter(referral=referral, child=child).first()
    initial = (
        {"participation": voice.participation, "views": voice.views, "spoken_by_ambassador": voice.spoken_by_ambassador}
        if voice
        else {}
    )
    form = forms.ChildVoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_child_voice(referral=referral, child=child, by=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The child's views are saved. They reach the referrer when you share them.")
            return redirect("fgc:preparation", pk=referral.pk)
    context = {"form": form, "child": child, "voice": voice}
    return _audited(request, referral, "fgc/preparation/child_voice.html", context, "child-voice")


@login_required
@require_POST
def child_voice_share(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    child = _child(referral, child_pk)
    voice = ChildVoice.objects.filter(referral=referral, child=child).first()
    try:
        if voice is None:
            raise ValidationError("Record the child's views before sharing them.")
        services.share_child_voice(voice=voice, by=user_of(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "The child's views are shared. The referrer has an email with a link.")
    return redirect("fgc:preparation", pk=referral.pk)


@login_required
@require_POST
def ambassador_request(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    child = _child(referral, child_pk)
    try:
        services.request_ambassador(referral=referral, child=child, by=user_of(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "FGC Ambassador requested. The volunteer coordinator will match one.")
    return redirect("fgc:preparation", pk=referral.pk)


@login_required
@GET_POST
def no_new_news(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _network(request, pk, change=True)
    check = getattr(referral, "no_new_news", None)
    form = forms.NoNewNewsForm(request.POST or None, initial={"note": check.note if check else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_no_new_news(referral=referral, by=user_of(request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "No-new-news check recorded.")
            return redirect("fgc:preparation", pk=referral.pk)
    return _audited(
        request, referral, "fgc/preparation/no_new_news.html", {"form": form, "check": check}, "no-new-news"
    )
