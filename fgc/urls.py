"""Family Group Conference URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path

from fgc.models import ConferenceKind
from fgc.views import booking, budgets, conference, figures, preparation, referrals, review, sessions, support

app_name = "fgc"
REVIEW = {"kind": ConferenceKind.REVIEW.value}

urlpatterns: list[URLPattern | URLResolver] = []

# -- referral, triage, allocation, timeliness and figures --------------------------------------
#    (fgc.views.referrals, fgc.views.figures)
urlpatterns += [
    path("", referrals.referral_list, name="referral_list"),
    path("refer/", referrals.referral_choose_family, name="referral_choose_family"),
    path("refer/family/<int:family_pk>/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/accept/", referrals.referral_accept, name="referral_accept"),
    path("referrals/<int:pk>/decline/", referrals.referral_decline, name="referral_decline"),
    path("referrals/<int:pk>/allocate/", referrals.referral_allocate, name="referral_allocate"),
    path("referrals/<int:pk>/contacted/", referrals.referral_contacted, name="referral_contacted"),
    path("referrals/<int:pk>/first-meeting/", referrals.referral_baseline, name="referral_baseline"),
    path("referrals/<int:pk>/consent/", referrals.referral_consent, name="referral_consent"),
    path("referrals/<int:pk>/close/", referrals.referral_close, name="referral_close"),
    path("figures/", figures.figures, name="figures"),
    path("figures/<slug:slug>.csv", figures.figure_csv, name="figure_csv"),
]


# -- preparation: the family network, visits, the child's voice; booking and letters ---------
#    (fgc.views.preparation, fgc.views.booking)
urlpatterns += [
    path("referrals/<int:pk>/preparation/", preparation.preparation, name="preparation"),
    path("referrals/<int:pk>/network/add/", preparation.member_add, name="network_add"),
    path("referrals/<int:pk>/network/<int:member_pk>/", preparation.member_change, name="network_change"),
    path("referrals/<int:pk>/network/<int:member_pk>/remove/", preparation.member_remove, name="network_remove"),
    path("referrals/<int:pk>/visits/add/", preparation.visit_add, name="visit_add"),
    path("referrals/<int:pk>/children/<int:child_pk>/views/", preparation.child_voice, name="child_voice"),
    path(
        "referrals/<int:pk>/children/<int:child_pk>/views/share/",
        preparation.child_voice_share,
        name="child_voice_share",
    ),
    path(
        "referrals/<int:pk>/children/<int:child_pk>/ambassador/",
        preparation.ambassador_request,
        name="ambassador_request",
    ),
    path("referrals/<int:pk>/no-new-news/", preparation.no_new_news, name="no_new_news"),
]

# -- the child's preparation sessions with their FGC Ambassador (fgc.views.sessions) --
urlpatterns += [
    path("referrals/<int:pk>/children/<int:child_pk>/sessions/", sessions.child_sessions, name="child_sessions"),
    path("referrals/<int:pk>/sessions/<int:session_pk>/move/", sessions.session_move, name="session_move"),
    path("referrals/<int:pk>/sessions/<int:session_pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("referrals/<int:pk>/sessions/<int:session_pk>/outcome/", sessions.session_outcome, name="session_outcome"),
]

urlpatterns += [
    path("referrals/<int:pk>/booking/", booking.booking, name="booking"),
    path("referrals/<int:pk>/booking/cancel/", booking.booking_cancel, name="booking_cancel"),
    path(
        "referrals/<int:pk>/network/<int:member_pk>/invitation.pdf",
        booking.invitation_letter,
        name="invitation_letter",
    ),
    # The review conference, about three months after the first: the same pages, for kind REVIEW.
    path("referrals/<int:pk>/review/booking/", booking.booking, REVIEW, name="review_booking"),
    path("referrals/<int:pk>/review/booking/cancel/", booking.booking_cancel, REVIEW, name="review_booking_cancel"),
    path(
        "referrals/<int:pk>/review/network/<int:member_pk>/invitation.pdf",
        booking.invitation_letter,
        REVIEW,
        name="review_invitation_letter",
    ),
    path("venues/", booking.venue_list, name="venue_list"),
    path("venues/<int:pk>/active/", booking.venue_active, name="venue_active"),
]


# -- the conference, the family plan and its PDF, support packages, reviews and outcomes -----
#    (fgc.views.conference, fgc.views.support, fgc.views.budgets, fgc.views.review)
urlpatterns += [
    path("conferences/<int:pk>/", conference.conference_detail, name="conference_detail"),
    path("conferences/<int:pk>/record/", conference.conference_record, name="conference_record"),
    path("conferences/<int:pk>/plan.pdf", conference.plan_pdf, name="plan_pdf"),
    path("conferences/<int:pk>/letters.pdf", conference.plan_letters, name="plan_letters"),
    path("conferences/<int:pk>/support/", support.package_request, name="package_request"),
    path("conferences/<int:pk>/review/", review.review_record, name="review_record"),
    path("conferences/<int:pk>/outcome/", review.outcome_record, name="outcome_record"),
    path("support-packages/", support.package_list, name="package_list"),
    path("support-packages/<int:pk>/", support.package_decide, name="package_decide"),
    path("support-packages/<int:pk>/paid/", support.package_paid, name="package_paid"),
    path("support-packages/budgets/", budgets.budget_list, name="budget_list"),
    path("support-packages/budgets/<int:pk>/", budgets.budget_change, name="budget_change"),
]
