"""Family Group Conference URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401  (each area adds its paths below)

app_name = "fgc"

urlpatterns: list[URLPattern | URLResolver] = []

# -- referral, triage, allocation, timeliness and figures --------------------------------------
#    (fgc.views.referrals, fgc.views.figures)
urlpatterns += []


# -- preparation: the family network, visits, the child's voice; booking and letters ---------
#    (fgc.views.network, fgc.views.booking)
urlpatterns += []


# -- the conference, the family plan and its PDF, support packages, reviews and outcomes -----
#    (fgc.views.conference, fgc.views.support, fgc.views.outcomes)
urlpatterns += []
