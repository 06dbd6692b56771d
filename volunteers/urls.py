"""The volunteer scheme's URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = []

# -- recruitment, profiles and safer recruitment checks ---------------------------------------
#    (volunteers.views.recruitment, volunteers.views.checks)
urlpatterns += []


# -- requests, matching and the matching board ------------------------------------------------
#    (volunteers.views.requests, volunteers.views.matching)
from volunteers.views import figures_matching  # noqa: E402
from volunteers.views import matching as matching_views  # noqa: E402
from volunteers.views import requests as request_views  # noqa: E402

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
urlpatterns += []
