"""The volunteer scheme's URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = []

# -- recruitment, profiles and safer recruitment checks ---------------------------------------
#    (volunteers.views.recruitment, volunteers.views.checks)
urlpatterns += []


# -- requests, matching and the matching board ------------------------------------------------
#    (volunteers.views.requests, volunteers.views.matching)
urlpatterns += []


# -- the match lifecycle, contacts, the volunteer portal, expenses, events ------------------
#    (volunteers.views.matches, volunteers.views.portal, volunteers.views.expenses, ...)
from volunteers.views import events as event_views  # noqa: E402
from volunteers.views import expenses as expense_views  # noqa: E402
from volunteers.views import figures_lifecycle  # noqa: E402
from volunteers.views import matches as match_views  # noqa: E402
from volunteers.views import portal as portal_views  # noqa: E402

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
