"""The volunteer scheme's URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path

from volunteers.views import checks as check_views
from volunteers.views import events as event_views
from volunteers.views import expenses as expense_views
from volunteers.views import figures_lifecycle, figures_matching
from volunteers.views import matches as match_views
from volunteers.views import matching as matching_views
from volunteers.views import portal as portal_views
from volunteers.views import recruitment as recruitment_views
from volunteers.views import requests as request_views

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = []

# -- recruitment, profiles and safer recruitment checks ---------------------------------------
#    (volunteers.views.recruitment, volunteers.views.checks)

urlpatterns += [
    path("", recruitment_views.volunteer_list, name="volunteer_list"),
    path("new/", recruitment_views.volunteer_create, name="volunteer_create"),
    path("<int:pk>/", recruitment_views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/edit/", recruitment_views.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/away/", recruitment_views.absence_add, name="absence_add"),
    path("<int:pk>/pause/", recruitment_views.volunteer_pause, name="volunteer_pause"),
    path("<int:pk>/resume/", recruitment_views.volunteer_resume, name="volunteer_resume"),
    path("<int:pk>/leave/", recruitment_views.volunteer_leave, name="volunteer_leave"),
    path("<int:pk>/declarations/new/", recruitment_views.declaration_add, name="declaration_add"),
    path("<int:pk>/supervision/new/", recruitment_views.conversation_add, name="conversation_add"),
    path("supervision-due/", recruitment_views.conversations_due, name="conversations_due"),
    path("<int:pk>/checks/<str:kind>/", check_views.check_record, name="check_record"),
    path("<int:pk>/dbs/new/", check_views.dbs_record, name="dbs_record"),
    path("<int:pk>/dbs/<int:dbs_pk>/", check_views.dbs_edit, name="dbs_edit"),
    path("<int:pk>/dbs/<int:dbs_pk>/decision/", check_views.dbs_decide, name="dbs_decide"),
    path("<int:pk>/dbs/<int:dbs_pk>/status-check/", check_views.dbs_status_check, name="dbs_status_check"),
    path("<int:pk>/references/new/", check_views.reference_request, name="reference_request"),
    path("<int:pk>/references/<int:ref_pk>/", check_views.reference_review, name="reference_review"),
    path("reference/<str:token>/", check_views.reference_respond, name="reference_respond"),
    path("figures/recruitment/", recruitment_views.recruitment_figures, name="recruitment_figures"),
    path("figures/recruitment.csv", recruitment_views.recruitment_figures_csv, name="recruitment_figures_csv"),
    path("retention/", recruitment_views.retention_report, name="retention_report"),
]


# -- requests, matching and the matching board ------------------------------------------------
#    (volunteers.views.requests, volunteers.views.matching)

urlpatterns += [
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/withdraw-consent/", request_views.request_withdraw_consent, name="request_withdraw_consent"
    ),
    path("requests/<int:pk>/close/", request_views.request_close, name="request_close"),
    path("requests/<int:pk>/shortlist/", matching_views.shortlist, name="shortlist"),
    path("requests/<int:pk>/propose/", matching_views.propose, name="propose"),
    path("board/", matching_views.board, name="board"),
    path("matches/<int:pk>/why/", matching_views.match_why, name="match_why"),
    path("figures/matching/", figures_matching.figures, name="figures_matching"),
]


# -- the match lifecycle, contacts, the volunteer portal, expenses, events ------------------
#    (volunteers.views.matches, volunteers.views.portal, volunteers.views.expenses, ...)

urlpatterns += [
    path("matches/", match_views.match_list, name="match_list"),
    path("matches/<int:pk>/", match_views.match_detail, name="match_detail"),
    path("matches/<int:pk>/offer/", match_views.match_offer, name="match_offer"),
    path("matches/<int:pk>/withdraw/", match_views.match_withdraw, name="match_withdraw"),
    path("matches/<int:pk>/confirm/", match_views.match_confirm, name="match_confirm"),
    path("matches/<int:pk>/introduce/", match_views.match_introduce, name="match_introduce"),
    path("matches/<int:pk>/start/", match_views.match_start, name="match_start"),
    path("matches/<int:pk>/review/", match_views.match_review, name="match_review"),
    path("matches/<int:pk>/end/", match_views.match_end, name="match_end"),
    path("matches/<int:pk>/check-in/", match_views.match_check_in, name="match_check_in"),
    path("matches/<int:pk>/contacts/add/", portal_views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/acknowledge/", match_views.concern_acknowledge, name="concern_acknowledge"),
    path("matches/figures/", figures_lifecycle.figures, name="figures_lifecycle"),
    path("portal/", portal_views.portal_home, name="portal"),
    path("portal/profile/", portal_views.profile_edit, name="portal_profile"),
    path("portal/away/", portal_views.absence_add, name="portal_absence_add"),
    path("portal/offers/<int:pk>/accept/", portal_views.offer_accept, name="offer_accept"),
    path("portal/offers/<int:pk>/decline/", portal_views.offer_decline, name="offer_decline"),
    path("portal/expenses/claim/", expense_views.expense_claim, name="expense_claim"),
    path("portal/expenses/claim/contacts/", expense_views.expense_claim_contacts, name="expense_claim_contacts"),
    path("expenses/", expense_views.expense_queue, name="expense_queue"),
    path("expenses/<int:pk>/decide/", expense_views.expense_decide, name="expense_decide"),
    path("expenses/<int:pk>/receipt/", expense_views.expense_receipt, name="expense_receipt"),
    path("expenses/export/", expense_views.expense_export, name="expense_export"),
    path("events/", event_views.event_list, name="event_list"),
    path("events/new/", event_views.event_create, name="event_create"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/sign-up/", event_views.event_sign_up, name="event_sign_up"),
    path("events/<int:pk>/cancel/", event_views.event_cancel, name="event_cancel"),
]
