"""The volunteer scheme's URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401  (each area adds its paths below)

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
urlpatterns += []
