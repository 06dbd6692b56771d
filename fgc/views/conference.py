"""The conference pages: record what happened and the family plan, read it, and download its PDF and letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from core import audit
from core.formerrors import add_errors
from fgc.forms_conference import ConferenceForm
from fgc.models import Conference, ConferenceKind, ConferenceStatus, FamilyPlan, InvitationStatus, SupportPackage
from fgc.permissions import is_allocated_coordinator, is_fgc_manager, sees_network
from fgc.services import booking, review
from fgc.services import conference as services
from fgc.views import user_of

GET_POST = require_http_methods(["GET", "POST"])


def _conference(pk: int) -> Conference:
    return get_object_or_404(
        Conference.objects.select_related(
            "referral__family", "referral__referred_by", "referral__coordinator", "venue", "coordinator"
        ),
        pk=pk,
    )


def get_conference_for_user(user: User, pk: int) -> Conference:
    """The conference and its plan: those who see the family network (coordinator, FGC manager, referrer)."""
    conference = _conference(pk)
    if not sees_network(user, conference.referral):
        raise Http404
    return conference


def runs_conference(user: User, conference: Conference) -> bool:
    return is_allocated_coordinator(user, conference.referral) or is_fgc_manager(user)


def _professionals(conference: Conference) -> list[User]:
    referral = conference.referral
    people = {conference.coordinator.pk: conference.coordinator, referral.referred_by.pk: referral.referred_by}
    practitioner = referral.family.allocated_practitioner
    if practitioner is not None:
        people.setdefault(practitioner.pk, practitioner)
    return sorted(people.values(), key=lambda u: u.full_name)


@login_required
@GET_POST
def conference_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    conference = get_conference_for_user(user, pk)
    if not runs_conference(user, conference):
        raise PermissionDenied
    if conference.kind == ConferenceKind.REVIEW:
        # A review is recorded as progress on the plan it reviews (fgc.views.review).
        reviewed = _reviewed(conference)
        if reviewed is None:
            raise Http404
        return redirect("fgc:review_record", pk=reviewed.pk)
    if conference.status != ConferenceStatus.BOOKED:
        messages.info(request, "This conference has already been recorded.")
        return redirect("fgc:conference_detail", pk=conference.pk)
    if conference.start > timezone.now():
        messages.info(request, services.NOT_STARTED)
        return redirect("fgc:conference_detail", pk=conference.pk)
    referral = conference.referral
    members = list(referral.network.exclude(invitation_status=InvitationStatus.NOT_INVITED).order_by("name"))
    form = ConferenceForm(
        request.POST or None,
        members=members,
        children=list(referral.children.order_by("date_of_birth")),
        professionals=_professionals(conference),
        initial={"day": timezone.localtime(conference.start).date()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.record_conference(conference=conference, by=user, **form.service_arguments())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                "Conference recorded as held. The plan is being prepared: the professionals who took part "
                "will get a secure link, and the family's letters will be ready to print.",
            )
            _say_where_the_review_is(request, plan)
            return redirect("fgc:conference_detail", pk=conference.pk)
    with transaction.atomic():
        audit.record_view(request, referral, page="fgc-conference-record")
        return render(request, "fgc/conference/record.html", {"form": form, "conference": conference})


def _say_where_the_review_is(request: HttpRequest, plan: FamilyPlan) -> None:
    state = review.review_booking_state(plan)
    if state.conference is None:
        messages.warning(request, "The review conference could not be booked: book it from the referral's page.")
        return
    when = f"{timezone.localtime(state.conference.start):%A %-d %B %Y, %H:%M}"
    if state.moved:
        messages.warning(
            request,
            f"The review conference is booked for {when}: on {state.wanted:%A %-d %B %Y}, the day proposed, the "
            "coordinator or the venue already had a conference at that time. Move it if the family prefers another "
            "day.",
        )
    else:
        messages.success(request, f"The review conference is booked for {when}, and everyone invited has been told.")


def _reviewed(review_conference: Conference) -> Conference | None:
    """The held first conference whose plan a review conference reviews."""
    return (
        Conference.objects.filter(
            referral_id=review_conference.referral_id, kind=ConferenceKind.INITIAL, status=ConferenceStatus.HELD
        )
        .order_by("-start")
        .first()
    )


def _review_context(user: User, conference: Conference, plan: FamilyPlan | None) -> dict[str, object]:
    """The review conference on its plan's page, or (on a review's own page) the conference it reviews."""
    runs = runs_conference(user, conference)
    if conference.kind == ConferenceKind.REVIEW:
        booked = conference.status == ConferenceStatus.BOOKED
        return {"reviewed": _reviewed(conference), "can_book_review": runs and booked}
    if plan is None:
        return {}
    return {
        "review": review.latest_review(conference.referral),
        "can_book_review": runs and booking.plan_to_review(conference.referral) is not None,
    }


@login_required
@require_GET
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    with transaction.atomic():
        conference = get_conference_for_user(user, pk)
        plan = FamilyPlan.objects.filter(conference=conference).first()
        audit.record_view(request, conference, page="fgc-conference")
        return render(
            request,
            "fgc/conference/detail.html",
            {
                "conference": conference,
                "referral": conference.referral,
                "plan": plan,
                "items": list(plan.items.all()) if plan else [],
                "attendance": list(
                    conference.attendance.select_related("member", "child", "professional").order_by("pk")
                ),
                "can_record": runs_conference(user, conference)
                and conference.kind == ConferenceKind.INITIAL
                and conference.status == ConferenceStatus.BOOKED
                and conference.start <= timezone.now(),
                "can_letters": runs_conference(user, conference),
                "packages": list(
                    SupportPackage.objects.filter(plan_item__plan__conference=conference)
                    .select_related("plan_item")
                    .order_by("requested_at")
                ),
                "can_request": runs_conference(user, conference) and plan is not None,
                "outcomes": list(conference.referral.outcomes.select_related("child").order_by("months_after", "pk")),
                "outcomes_due": review.outcomes_due([plan]) if plan else [],
                **_review_context(user, conference, plan),
            },
        )


def _pdf(file: object, filename: str) -> FileResponse:
    response = FileResponse(file, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The secure link in the circulation email: those who took part, the coordinator, FGC manager and referrer."""
    user = user_of(request)
    conference = _conference(pk)
    if not services.may_download_plan(user, conference):
        raise Http404
    plan = FamilyPlan.objects.filter(conference=conference).first()
    if plan is None or not plan.pdf:
        raise Http404
    with transaction.atomic():
        audit.record_view(request, plan, page="fgc-plan-pdf")
    return _pdf(plan.pdf.open("rb"), f"family-plan-{conference.referral.reference}.pdf")


@login_required
@require_GET
def plan_letters(request: HttpRequest, pk: int) -> FileResponse:
    """The family's letters, one per family member who took part, for the coordinator to print and post."""
    user = user_of(request)
    conference = get_conference_for_user(user, pk)
    if not runs_conference(user, conference):
        raise Http404
    plan = FamilyPlan.objects.filter(conference=conference).first()
    if plan is None or not plan.letters_pdf:
        raise Http404
    with transaction.atomic():
        audit.record_view(request, plan, page="fgc-plan-letters")
    return _pdf(plan.letters_pdf.open("rb"), f"family-plan-letters-{conference.referral.reference}.pdf")
