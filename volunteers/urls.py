"""The volunteer scheme's URLs: one block per area, each area's views in its own module."""

from django.urls import URLPattern, URLResolver, path

app_name = "volunteers"

urlpatterns: list[URLPattern | URLResolver] = []

# -- recruitment, profiles and safer recruitment checks ---------------------------------------
#    (volunteers.views.recruitment, volunteers.views.checks)
from volunteers.views import checks as check_views  # noqa: E402
from volunteers.views import recruitment as recruitment_views  # noqa: E402

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
urlpatterns += []


# -- the match lifecycle, contacts, the volunteer portal, expenses, events ------------------
#    (volunteers.views.matches, volunteers.views.portal, volunteers.views.expenses, ...)
urlpatterns += []
